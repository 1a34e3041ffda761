import type { Connection } from 'mongoose';
import { createMongoConnection } from '../../adapters/persistence/mongo/connection.js';
import { ensureIndexes } from '../../adapters/persistence/mongo/indexes.js';
import { mongoTestUri } from './services.js';

export interface MongoFixture {
  /** The suite's connection (open from `before` to `after`). */
  connection(): Connection;
  /** Empties every collection and creates the declared indexes of the models registered so far. */
  reset(): Promise<void>;
}

/**
 * For use inside `describeWith(['mongo'], ...)`: one fresh database for the suite, dropped after.
 * Build the repositories first, then `reset()` (so their indexes exist).
 */
export function useMongo(label: string): MongoFixture {
  let connection: Connection | undefined;
  before(async () => {
    connection = createMongoConnection(mongoTestUri(label), 5000); // generous: a loaded test machine
    await connection.asPromise();
  });
  after(async () => {
    if (!connection) return;
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });
  return {
    connection: () => {
      if (!connection) throw new Error('mongo fixture used outside its suite');
      return connection;
    },
    reset: async () => {
      const db = connection!.db!;
      for (const c of await db.collections()) await c.deleteMany({});
      await ensureIndexes(connection!);
    },
  };
}
