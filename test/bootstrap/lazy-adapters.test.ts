import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { registerRecorder } from '../support/module-recorder.js';

describe('bootstrap: adapter modules are loaded only when config selects them', () => {
  it('the embedded default never loads mongoose, ioredis, cloudinary, razorpay, twilio, bullmq or stripe', async function () {
    this.timeout(30_000);
    // A fresh process (no test harness: it imports the Mongo test kit) builds the container on the default config and resolves every binding,
    // then lists the modules loaded: CommonJS from require.cache, ESM from the resolve hook.
    const ext = import.meta.url.endsWith('.js') ? 'js' : 'ts';
    const dir = mkdtempSync(join(tmpdir(), 'lazy-adapters-'));
    const esmLog = join(dir, 'esm.log');
    const script = [
      "import { createRequire } from 'node:module';",
      registerRecorder(esmLog),
      `const { buildContainer } = await import('./bootstrap/container.${ext}');`,
      `const { loadConfig } = await import('./bootstrap/config.${ext}');`,
      'const silent = { info() {}, warn() {}, error() {} };',
      "const config = loadConfig({ SEED_DEMO: 'false', UPLOADS_DIR: process.env.TMPDIR ?? '/tmp' }, () => 'g'.repeat(64));",
      'const c = await buildContainer(config, silent);',
      'console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));',
      'await c.unbindAllAsync();',
      'process.exit(0);',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...(ext === 'ts' ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script],
      { cwd: new URL('../../', import.meta.url).pathname },
    );
    const esm = readFileSync(esmLog, 'utf8').split('\n');
    rmSync(dir, { recursive: true, force: true });
    const loaded = [
      ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as string[]),
      ...esm.filter((url) => url.startsWith('file:')).map((url) => new URL(url).pathname),
    ];
    // The probe sees CommonJS packages at all (inversify's dependencies are CommonJS), and ESM ones
    // (typebox is ESM only).
    expect(loaded.some((m) => m.includes('/node_modules/inversify/'))).to.equal(true);
    expect(loaded.some((m) => m.includes('/node_modules/typebox/'))).to.equal(true);
    const heavy =
      /\/node_modules\/(mongoose|mongodb|ioredis|cloudinary|razorpay|twilio|bullmq|nodemailer|stripe)\//;
    expect([...new Set(loaded.filter((m) => heavy.test(m)).map((m) => m.match(heavy)![1]))]).to.deep.equal(
      [],
    );
  });
});
