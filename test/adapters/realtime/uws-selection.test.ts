import { expect } from 'chai';
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
});
