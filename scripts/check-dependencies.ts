/**
 * The dependency gate (issue 13, OWASP): `npm audit` cannot run where the registry answers 405 on
 * its audit endpoint, so dependencies are kept current instead. Fails when `npm outdated` shows a
 * production dependency a major version behind (for 0.x: a minor, the semver breaking step) and
 * the README's "Dependencies held back" table has no row naming it with a reason.
 *
 *   npm run check:dependencies          (runs `npm outdated --json --omit=dev`)
 *   tsx scripts/check-dependencies.ts --from outdated.json
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface OutdatedEntry {
  readonly current?: string;
  readonly wanted?: string;
  readonly latest?: string;
}

export interface Behind {
  readonly name: string;
  readonly current: string;
  readonly latest: string;
}

export interface GateVerdict {
  /** Major versions behind with no README note: these fail the gate. */
  readonly unexplained: readonly Behind[];
  /** Major versions behind that the README explains. */
  readonly heldBack: readonly Behind[];
}

/** The breaking part of a version: the major, or `0.minor` below 1.0. Null when not a version. */
export function breakingLine(version: string): string | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return null;
  const [, major, minor] = match;
  return major === '0' ? `0.${Number(minor)}` : String(Number(major));
}

function compareLines(a: string, b: string): number {
  const [a1, a2 = 0] = a.split('.').map(Number);
  const [b1, b2 = 0] = b.split('.').map(Number);
  return a1 !== b1 ? a1! - b1! : a2 - b2;
}

/** True when `latest` is on a later breaking line than `current`. */
export function isMajorBehind(current: string, latest: string): boolean {
  const c = breakingLine(current);
  const l = breakingLine(latest);
  return c !== null && l !== null && compareLines(l, c) > 0;
}

/**
 * Package names the README holds back: rows of the table under a "Dependencies held back" heading
 * whose first cell names the package in backticks and whose last cell gives a reason.
 */
export function heldBackNotes(readme: string): Map<string, string> {
  const notes = new Map<string, string>();
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => /^#+\s+Dependencies held back/i.test(l));
  if (start < 0) return notes;
  for (const line of lines.slice(start + 1)) {
    if (/^#+\s/.test(line)) break;
    if (!line.trim().startsWith('|')) continue;
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
    const why = cells[cells.length - 1] ?? '';
    if (name && cells.length >= 2 && why.length > 0 && !/^-+$/.test(why)) notes.set(name, why);
  }
  return notes;
}

/**
 * The decision: `outdated` is `npm outdated --json` output (an entry per name, or an array of
 * them). `production` (package.json's `dependencies`) narrows it: npm 10 still lists top-level
 * devDependencies under `--omit=dev`.
 */
export function judge(
  outdated: Record<string, OutdatedEntry | OutdatedEntry[]>,
  readme: string,
  production?: ReadonlySet<string>,
): GateVerdict {
  const notes = heldBackNotes(readme);
  const unexplained: Behind[] = [];
  const heldBack: Behind[] = [];
  for (const [name, value] of Object.entries(outdated).sort(([a], [b]) => a.localeCompare(b))) {
    if (production && !production.has(name)) continue;
    for (const entry of Array.isArray(value) ? value : [value]) {
      const current = entry.current ?? entry.wanted;
      const latest = entry.latest;
      if (!current || !latest || !isMajorBehind(current, latest)) continue;
      (notes.has(name) ? heldBack : unexplained).push({ name, current, latest });
      break;
    }
  }
  return { unexplained, heldBack };
}

function npmOutdated(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Exit code 1 only means "something is outdated"; the JSON on stdout is the answer.
    execFile(
      'npm',
      ['outdated', '--json', '--omit=dev'],
      { cwd, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (stdout.trim() !== '' || !error) resolve(stdout.trim() || '{}');
        else reject(new Error(`npm outdated failed: ${stderr.trim() || error.message}`));
      },
    );
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const root = fileURLToPath(new URL('..', import.meta.url)).replace(/dist\/$/, '');
  const fromIndex = argv.indexOf('--from');
  const raw = fromIndex >= 0 ? await readFile(argv[fromIndex + 1] ?? '', 'utf8') : await npmOutdated(root);
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  if (parsed.error) {
    console.error(`dependency gate: npm outdated answered an error: ${JSON.stringify(parsed.error)}`);
    return 2;
  }
  const readme = await readFile(`${root}README.md`, 'utf8');
  const manifest = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const production = new Set(Object.keys(manifest.dependencies ?? {}));
  const verdict = judge(parsed as Record<string, OutdatedEntry>, readme, production);
  for (const b of verdict.heldBack)
    console.log(`held back (README): ${b.name} ${b.current} (latest ${b.latest})`);
  for (const b of verdict.unexplained) {
    console.error(
      `MAJOR BEHIND: ${b.name} ${b.current} (latest ${b.latest}): upgrade it or add a row to README "Dependencies held back"`,
    );
  }
  if (verdict.unexplained.length > 0) return 1;
  console.log('dependency gate: no production dependency is a major version behind without a note');
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`dependency gate: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
