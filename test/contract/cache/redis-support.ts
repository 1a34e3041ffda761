import type { Redis } from 'ioredis';
import type { AppLogger } from '../../../application/shared/ports.js';
import { createRedisClient, waitUntilReady } from '../../../adapters/cache/redis-client.js';

export const silentLogger: AppLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Records what an adapter logs, to assert "once per outage". */
export function recordingLogger(): AppLogger & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}

/** A connected client of the production kind (no offline queue); the caller disconnects it. */
export async function readyClient(url: string): Promise<Redis> {
  const client = createRedisClient(url);
  if (!(await waitUntilReady(client, 5000))) throw new Error(`redis at ${url} not ready`);
  return client;
}

/** Connects a client again after `disconnect()` (waits for the old connection to end first). */
export async function reconnect(client: Redis): Promise<void> {
  if (client.status !== 'end') await new Promise((r) => client.once('end', r));
  await client.connect();
}
