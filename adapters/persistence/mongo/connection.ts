import mongoose, { type ConnectOptions, type Connection } from 'mongoose';
import type { DependencyHealth, HealthIndicator } from '../../../application/health/ports.js';

export { MONGO_CONNECTION } from './tokens.js';

/**
 * Opens a connection (commands wait for it; `connection.asPromise()` resolves once connected).
 * Works on a standalone MongoDB 6+, a replica set, a sharded cluster and FerretDB: nothing here
 * needs transactions.
 *
 * Fails fast when the server is unreachable: an operation waits at most `timeoutMs` for a server
 * (or, while the connection is not open yet, in mongoose's buffer) and then throws an error
 * `isMongoUnavailable` recognises (HTTP 503). Once connected, the driver reconnects by itself
 * after an outage; a first connection that failed is opened again by `connectMongo`.
 */
export function createMongoConnection(uri: string, timeoutMs = 800): Connection {
  // bufferTimeoutMS is a connection option mongoose reads but does not declare in its types.
  const options: ConnectOptions & { bufferTimeoutMS: number } = {
    serverSelectionTimeoutMS: timeoutMs,
    bufferTimeoutMS: timeoutMs,
    maxPoolSize: 20,
    autoIndex: false, // indexes are created by ensureIndexes at start (and by migrations)
    autoCreate: true,
  };
  const connection = mongoose.createConnection(uri, options);
  // mongoose leaves a failed first connection as a rejected promise nobody holds: unobserved,
  // it is an unhandled rejection that kills the process (a CLI command, or a server whose
  // start-up had not asked yet). Whoever needs the connection asks through connectMongo.
  connection.asPromise().catch(() => undefined);
  opened.set(connection, { uri, options });
  return connection;
}

const opened = new WeakMap<Connection, { uri: string; options: ConnectOptions }>();

/**
 * Resolves once the connection is open. mongoose never retries a first connection that failed
 * (the server was down when the process started), so this opens it again; a caller retries it
 * until the server answers. Throws what `isMongoUnavailable` recognises while it does not.
 */
export async function connectMongo(connection: Connection): Promise<void> {
  const state = connection.readyState as number;
  if (state === CONNECTED) return;
  const settings = opened.get(connection);
  if (state !== CONNECTING && settings) await connection.openUri(settings.uri, { ...settings.options });
  await connection.asPromise();
}

const CONNECTED = 1;
const CONNECTING = 2;

export class MongoHealth implements HealthIndicator {
  constructor(private readonly connection: Connection) {}

  async check(): Promise<DependencyHealth> {
    const started = process.hrtime.bigint();
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected yet');
      await db.admin().command({ ping: 1 });
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      return {
        name: 'mongodb',
        role: 'persistence',
        status: 'up',
        latencyMs: Math.round(latencyMs * 10) / 10,
      };
    } catch (error) {
      return {
        name: 'mongodb',
        role: 'persistence',
        status: 'down',
        detail: String((error as Error).message ?? error),
      };
    }
  }
}
