import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';

describe('bootstrap: adapter modules are loaded only when config selects them', () => {
  it('the embedded default never loads mongoose, ioredis, cloudinary, razorpay, twilio or bullmq', async function () {
    this.timeout(30_000);
    // A fresh process (no test harness: it imports the Mongo test kit) builds the container on the default config and resolves every binding,
    // then lists the CommonJS modules loaded (these SDKs and drivers are all CommonJS).
    const ext = import.meta.url.endsWith('.js') ? 'js' : 'ts';
    const script = [
      "import { createRequire } from 'node:module';",
      `import { buildContainer } from './bootstrap/container.${ext}';`,
      `import { loadConfig } from './bootstrap/config.${ext}';`,
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
    const loaded = JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
    // The probe sees CommonJS packages at all (inversify's dependencies are CommonJS).
    expect(loaded.some((m) => m.includes('/node_modules/'))).to.equal(true);
    const heavy = /\/node_modules\/(mongoose|mongodb|ioredis|cloudinary|razorpay|twilio|bullmq|nodemailer)\//;
    expect([...new Set(loaded.filter((m) => heavy.test(m)).map((m) => m.match(heavy)![1]))]).to.deep.equal(
      [],
    );
  });
});
