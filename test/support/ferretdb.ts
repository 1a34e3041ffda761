import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (the one holding .ci/services), from the sources or from dist/. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, '.ci', 'services'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('.ci/services not found above the tests');
    dir = parent;
  }
  return dir;
}

const ROOT = repositoryRoot();
export const FERRETDB_BINARY = join(ROOT, 'var', 'services', 'bin', 'ferretdb-v1.24.2');

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

// Servers a test started must not outlive the test run, whatever happens to its after() hooks.
const started = new Set<PrivateFerretDB>();
process.once('exit', () => {
  for (const db of started) db.killSync();
});

/**
 * A FerretDB of a test's own, on its own port and directory, started and stopped through
 * `.ci/services` (SERVICES=mongo), never touching the shared one. `kill()` is a crash (SIGKILL);
 * `start()` again finds the data it left.
 */
export class PrivateFerretDB {
  readonly dir = mkdtempSync(join(tmpdir(), 'af-ferretdb-'));

  constructor(readonly port: number) {}

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/af_outage_${process.pid}`;
  }

  async start(): Promise<void> {
    await run('bash', [join(ROOT, '.ci', 'services')], {
      env: {
        ...process.env,
        SERVICES: 'mongo',
        SERVICES_MONGO_PORT: String(this.port),
        SERVICES_DIR: this.dir,
      },
    });
    started.add(this);
  }

  /** SIGKILL, then waits until the port is closed. */
  async kill(): Promise<void> {
    this.killSync();
    for (let i = 0; i < 100 && (await isOpen(this.port)); i++) await new Promise((r) => setTimeout(r, 50));
  }

  killSync(): void {
    const pidFile = join(this.dir, `ferretdb-${this.port}`, 'ferretdb.pid');
    if (!existsSync(pidFile)) return;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(pidFile, { force: true });
  }

  async destroy(): Promise<void> {
    await this.kill();
    started.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((r) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      r(true);
    });
    socket.once('error', () => r(false));
  });
}
