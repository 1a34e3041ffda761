import type { AddressInfo } from 'node:net';
import { buildTestApp, type TestApp } from './harness.js';

/**
 * The realtime transports the contract suite (test/contract/realtime/transport.test.ts) runs
 * against, each over a REAL application listening on a free port. A transport's `baseUrl` is
 * `ws://host:port` (WebSocket) or `http://host:port` (Server-Sent Events); the HTTP API is always
 * `t` (fastify.inject on the same application).
 */
export interface RunningTransport {
  readonly baseUrl: string;
  readonly t: TestApp;
  close(): Promise<void>;
}

export interface RealtimeTransportRow {
  readonly name: string;
  readonly kind: 'websocket' | 'sse';
  start(env?: Record<string, string>): Promise<RunningTransport>;
}

/** A test application listening on 127.0.0.1 at a free port. */
export async function listeningApp(env: Record<string, string> = {}): Promise<{ t: TestApp; port: number }> {
  const t = await buildTestApp(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, port: (t.app.server.address() as AddressInfo).port };
}

const onApiPort =
  (scheme: 'ws' | 'http') =>
  async (env: Record<string, string> = {}): Promise<RunningTransport> => {
    const { t, port } = await listeningApp(env);
    return { baseUrl: `${scheme}://127.0.0.1:${port}`, t, close: async () => void (await t.close()) };
  };

/** The same application with REALTIME_UWS_PORT=0: the channels on uWebSockets.js's own free port. */
const onUwsPort =
  (scheme: 'ws' | 'http') =>
  async (env: Record<string, string> = {}): Promise<RunningTransport> => {
    const { t } = await listeningApp({ ...env, REALTIME_UWS_PORT: '0', HOST: '127.0.0.1' });
    const port = await t.startUws();
    if (port === null) throw new Error('uWebSockets.js did not start');
    return { baseUrl: `${scheme}://127.0.0.1:${port}`, t, close: async () => void (await t.close()) };
  };

export const REALTIME_TRANSPORTS: RealtimeTransportRow[] = [
  { name: 'fastify-ws', kind: 'websocket', start: onApiPort('ws') },
  { name: 'fastify-sse', kind: 'sse', start: onApiPort('http') },
  { name: 'uws-ws', kind: 'websocket', start: onUwsPort('ws') },
  { name: 'uws-sse', kind: 'sse', start: onUwsPort('http') },
];
