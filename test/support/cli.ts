import { Writable } from 'node:stream';
import type { Container } from 'inversify';
import { runCli } from '../../adapters/cli/program.js';
import { buildContainer } from '../../bootstrap/container.js';
import { testConfig } from './harness.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

export const silentLogger = { info() {}, warn() {}, error() {} };

/** A container like the CLI's, on the embedded default without the demo seed. */
export function cliContainer(env: Record<string, string> = {}): Promise<Container> {
  return buildContainer(testConfig({ SEED_DEMO: 'false', ...env }), silentLogger);
}

/** Runs one CLI command in-process and answers its exit code and output. */
export async function cli(container: Container, ...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await runCli(argv, container, { out: out.stream, err: err.stream, isTty: false });
  return { code, out: out.text(), err: err.text() };
}
