import { TEST_PROCESS_ENV } from '../pii.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith('.js');

// Processes a test started must not outlive the test run.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface Child {
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `producer-main` or `worker-main` (tsx under `npm test`, the compiled file under
 * `test:dist`) and resolves once it prints its ready line (a JSON object with `key`).
 */
export async function startChild(
  script: 'producer-main' | 'worker-main',
  key: string,
  env: Record<string, string>,
): Promise<Child> {
  const entry = resolve(here, `${script}.${compiled ? 'js' : 'ts'}`);
  const child = spawn(process.execPath, compiled ? [entry] : ['--import', 'tsx', entry], {
    env: { PATH: process.env.PATH ?? '', ...TEST_PROCESS_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  running.add(child);
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      running.delete(child);
      r(code);
    }),
  );
  await new Promise<void>((ready, fail) => {
    let buffer = '';
    void exited.then((code) => fail(new Error(`${script} exited early with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        try {
          if (key in (JSON.parse(line) as object)) ready();
        } catch {
          // a partial or non-JSON line
        }
      }
    });
  });
  return {
    child,
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
