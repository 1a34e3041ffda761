/**
 * The tables `npm run bench` (bench/run.ts) prints and writes: pure functions of the measured
 * figures, so their structure is tested (test/bench/run.test.ts) without timing anything.
 */

/** One measured row: a scenario of the app or a baseline. */
export interface LoadRow {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  /** Bytes of one answer's body. */
  readonly bytes: number;
  /** The baseline row this one is compared with (its `name`); none for a baseline itself. */
  readonly baseline?: string;
  /** The server's CPU time per answered request (µs, from /proc): steadier than req/s on a shared machine. */
  readonly cpuUsPerRequest?: number | null;
}

export interface StartRow {
  readonly name: string;
  /** Spawn to the first HTTP answer, each run (ms). */
  readonly startMs: readonly number[];
  /** Resident set size 1 s after the first answer (MB): start-up's one-off work may still be alive. */
  readonly firstSecondRssMb?: number | null;
  /** Resident set size once idle, BENCH_IDLE_SECONDS after the first answer (MB). */
  readonly idleRssMb: number | null;
  /** Highest resident set size seen while the catalog scenarios ran (MB). */
  readonly loadRssMb?: number | null;
}

export interface RunInfo {
  readonly date: string;
  readonly node: string;
  readonly connections: number;
  readonly seconds: number;
  readonly pinned: boolean;
  readonly server: string;
  readonly store: string;
  /** When idle RSS was read: seconds after the first answer (BENCH_IDLE_SECONDS). */
  readonly idleSeconds?: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const kb = (bytes: number) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`);

/** req/s of the row over req/s of its baseline ("—" for a baseline, or when the baseline is missing). */
export function ratio(row: LoadRow, rows: readonly LoadRow[]): string {
  if (row.baseline === undefined) return '—';
  const base = rows.find((r) => r.name === row.baseline);
  if (base === undefined || base.reqPerSec === 0) return '—';
  return `${(row.reqPerSec / base.reqPerSec).toFixed(2)}x`;
}

export function loadTable(rows: readonly LoadRow[], connections: number): string {
  const lines = [
    `| scenario | req/s | p50 ms | p99 ms at ${connections} connections | server CPU µs/request | non-2xx | body | baseline | ratio to baseline |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${thousands(row.reqPerSec)} | ${row.p50} | ${row.p99} | ${row.cpuUsPerRequest == null ? '—' : thousands(row.cpuUsPerRequest)} | ${row.non2xx} | ${kb(row.bytes)} | ${row.baseline ?? '(baseline)'} | ${ratio(row, rows)} |`,
    );
  }
  return lines.join('\n');
}

export function startTable(rows: readonly StartRow[], idleSeconds = 15): string {
  const lines = [
    `| process | start to first answer, median (runs) | RSS 1 s after | idle RSS (${idleSeconds} s after) | RSS under catalog load |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  const mb = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v)} MB`);
  for (const row of rows) {
    const start =
      row.startMs.length === 0 ? '—' : `${Math.round(median(row.startMs))} ms (${row.startMs.length})`;
    lines.push(
      `| ${row.name} | ${start} | ${mb(row.firstSecondRssMb)} | ${mb(row.idleRssMb)} | ${mb(row.loadRssMb)} |`,
    );
  }
  return lines.join('\n');
}

export function report(info: RunInfo, rows: readonly LoadRow[], starts: readonly StartRow[]): string {
  const parts = [
    `# npm run bench — ${info.date}`,
    '',
    `Node ${info.node}; ${info.connections} connections, ${info.seconds} s per scenario; ` +
      `server ${info.server}, store ${info.store}; ` +
      (info.pinned ? 'server on core 1, load generator on core 0 (taskset).' : 'not pinned (no taskset).'),
    '',
    loadTable(rows, info.connections),
  ];
  if (starts.length > 0) parts.push('', startTable(starts, info.idleSeconds));
  return parts.join('\n') + '\n';
}
