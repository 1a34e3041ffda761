import { TEST_PROCESS_ENV } from './pii.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith('.js');
// Under `npm test` the TypeScript entry point runs through tsx; under `test:dist` the compiled one.
const entryOf = (name: 'main' | 'worker') =>
  resolve(here, '..', '..', 'bootstrap', `${name}.${compiled ? 'js' : 'ts'}`);
const argsOf = (name: 'main' | 'worker') => (compiled ? [entryOf(name)] : ['--import', 'tsx', entryOf(name)]);
const nodeArgs = argsOf('main');

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly lines: LogLine[];
  stop(): Promise<void>;
}

// Servers a test started must not outlive the test run, whatever happens to its after() hooks.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the service as a real process (PORT=0) and resolves once it logs its port. */
export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  return startProcess('main', env, (line) => {
    if (typeof line.port === 'number' && typeof line.startupMs === 'number') {
      return `http://127.0.0.1:${line.port}`;
    }
    return undefined;
  });
}

/**
 * Starts `npm run worker`'s entry point (bootstrap/worker.ts) as a real process and resolves once
 * it logs that it started (`base` is empty: a worker listens on nothing).
 */
export function startWorker(env: Record<string, string>): Promise<ServerProcess> {
  return startProcess('worker', env, (line) =>
    line.msg === 'Amour Florals worker started' ? '' : undefined,
  );
}

async function startProcess(
  name: 'main' | 'worker',
  env: Record<string, string>,
  ready: (line: LogLine) => string | undefined,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, argsOf(name), {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...TEST_PROCESS_ENV, ...env },
    // stderr is piped too (and echoed), so a runner reading our output never waits on the child.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: LogLine[] = [];
  const base = await new Promise<string>((resolvePort, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`${name} exited early with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const line = JSON.parse(raw) as LogLine;
          lines.push(line);
          const base = ready(line);
          if (base !== undefined) resolvePort(base);
        } catch {
          // not a JSON log line
        }
      }
    });
  });
  return {
    child,
    base,
    lines,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the service as a real process that is expected to stop by itself (e.g. a refused config). */
export async function runUntilExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, nodeArgs, {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...TEST_PROCESS_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  clearTimeout(timer);
  running.delete(child);
  return { code, stdout, stderr };
}
