import mongoose, { type Connection } from 'mongoose';
import type { DependencyHealth, HealthIndicator } from '../../../application/health/ports.js';

/** The one mongoose connection of a process; every Mongo repository takes it. */
export const MONGO_CONNECTION = Symbol.for('MongoConnection');

/**
 * Opens a connection (commands wait for it; `connection.asPromise()` resolves once connected).
 * Works on a standalone MongoDB 6+, a replica set, a sharded cluster and FerretDB: nothing here
 * needs transactions.
 */
export function createMongoConnection(uri: string): Connection {
  return mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 20,
    autoIndex: false, // indexes are created by ensureIndexes at start (and by migrations)
    autoCreate: true,
  });
}

export class MongoHealth implements HealthIndicator {
  constructor(private readonly connection: Connection) {}

  async check(): Promise<DependencyHealth> {
    const started = process.hrtime.bigint();
    try {
      await this.connection.db!.admin().command({ ping: 1 });
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
