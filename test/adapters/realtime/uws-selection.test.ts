import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startUwsIfSelected, UwsUnavailableError } from '../../../bootstrap/realtime-uws.js';
import type { RealtimeEndpoint } from '../../../adapters/realtime/connection.js';
import { testConfig } from '../../support/harness.js';

/** An endpoint that serves nothing: these tests are about whether and how the transport starts. */
const endpoint: RealtimeEndpoint = {
  limits: { maxMessageBytes: 1024, maxBufferedBytes: 64 * 1024 },
  matches: () => false,
  selectProtocol: () => undefined,
  open: () => {
    throw new Error('not expected');
  },
  closeAll: async () => undefined,
};

describe('uWebSockets.js: selected by REALTIME_UWS_PORT', () => {
  it('is not started, nor its module imported, when REALTIME_UWS_PORT is unset', async () => {
    let imported = false;
    const started = await startUwsIfSelected(testConfig({}), endpoint, () => {
      imported = true;
      return import('../../../adapters/realtime/uws-transport.js');
    });
    expect(started).to.equal(null);
    expect(imported).to.equal(false);
  });

  it('listens on REALTIME_UWS_PORT (0: a free port) when set', async () => {
    const started = await startUwsIfSelected(
      testConfig({ REALTIME_UWS_PORT: '0', HOST: '127.0.0.1' }),
      endpoint,
    );
    try {
      expect(started!.port).to.be.greaterThan(0);
      const answer = await fetch(`http://127.0.0.1:${started!.port}/api/realtime/stock-updates`);
      expect(answer.status).to.equal(404); // this endpoint matches no path
    } finally {
      await started?.close();
    }
  });

  it('fails at start naming REALTIME_UWS_PORT when the optional dependency cannot be loaded', async () => {
    const missing = Object.assign(new Error("Cannot find package 'uWebSockets.js' imported from ..."), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    let error: unknown;
    try {
      await startUwsIfSelected(testConfig({ REALTIME_UWS_PORT: '0' }), endpoint, () =>
        Promise.reject(missing),
      );
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UwsUnavailableError);
    expect((error as Error).message)
      .to.include('REALTIME_UWS_PORT')
      .and.to.include('uWebSockets.js');
    expect((error as Error).message).to.include("Cannot find package 'uWebSockets.js'");
  });

  /**
   * A fresh process starts the whole application (createApplication, listen, startUws) and lists
   * the CommonJS modules loaded (the addon's loader is CommonJS). Under `npm run test:dist` this
   * file is compiled: the script then imports the compiled modules.
   */
  async function modulesLoadedBy(
    env: Record<string, string>,
  ): Promise<{ uwsPort: number | null; loaded: string[] }> {
    const ext = import.meta.url.endsWith('.js') ? 'js' : 'ts';
    const script = [
      "import { createRequire } from 'node:module';",
      `import { createApplication } from './bootstrap/app.${ext}';`,
      `import { testConfig } from './test/support/harness.${ext}';`,
      `const application = await createApplication(testConfig(${JSON.stringify(env)}));`,
      "await application.app.listen({ port: 0, host: '127.0.0.1' });",
      'const uwsPort = await application.startUws();',
      'await application.close();',
      'console.log(JSON.stringify({ uwsPort, loaded: Object.keys(createRequire(import.meta.url).cache) }));',
      'process.exit(0);',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...(ext === 'ts' ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script],
      { cwd: new URL('../../../', import.meta.url).pathname },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as { uwsPort: number | null; loaded: string[] };
  }
  const uwsModule = /\/node_modules\/(uWebSockets\.js|@trufflesuite\/uws-js-unofficial)\//;

  it('the embedded default never loads uWebSockets.js', async function () {
    this.timeout(30_000);
    const { uwsPort, loaded } = await modulesLoadedBy({});
    expect(uwsPort).to.equal(null);
    expect(loaded.some((m) => m.includes('/node_modules/'))).to.equal(true);
    expect(loaded.filter((m) => uwsModule.test(m))).to.deep.equal([]);
  });

  it('with REALTIME_UWS_PORT the application loads it and serves on that port', async function () {
    this.timeout(30_000);
    const { uwsPort, loaded } = await modulesLoadedBy({ REALTIME_UWS_PORT: '0', HOST: '127.0.0.1' });
    expect(uwsPort).to.be.a('number').greaterThan(0);
    expect(loaded.filter((m) => uwsModule.test(m))).not.to.deep.equal([]);
  });
});
