import type { RealtimeEndpoint } from '../adapters/realtime/connection.js';
import type * as UwsTransportModule from '../adapters/realtime/uws-transport.js';
import type { UwsTransport, UwsTransportOptions } from '../adapters/realtime/uws-transport.js';
import type { Config } from './config.js';

type UwsModule = typeof UwsTransportModule;

/** The transport module; uWebSockets.js (a native addon, an optional dependency) loads with it. */
const loadUwsModule = (): Promise<UwsModule> => import('../adapters/realtime/uws-transport.js');

/** REALTIME_UWS_PORT is set but the optional dependency uWebSockets.js cannot be loaded. */
export class UwsUnavailableError extends Error {
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(
      'REALTIME_UWS_PORT is set, but uWebSockets.js could not be loaded (it is an optional dependency: ' +
        'install it, or unset REALTIME_UWS_PORT to serve the realtime channels on the API port only): ' +
        detail,
    );
    this.name = 'UwsUnavailableError';
  }
}

/**
 * Serves the realtime channels with uWebSockets.js on REALTIME_UWS_PORT when config selects it
 * (null otherwise: nothing is imported, so the embedded default never loads the addon). Started
 * once the API listens; closed on shutdown after the endpoint's closeAll() (sockets get 1001).
 */
export async function startUwsIfSelected(
  config: Pick<Config, 'host' | 'realtime'>,
  endpoint: RealtimeEndpoint,
  load: () => Promise<UwsModule> = loadUwsModule,
): Promise<UwsTransport | null> {
  const port = config.realtime.uwsPort;
  if (port === null) return null;
  let module: UwsModule;
  try {
    module = await load();
  } catch (error) {
    throw new UwsUnavailableError(error);
  }
  const options: UwsTransportOptions = { host: config.host, port };
  return module.startUwsTransport(endpoint, options);
}
