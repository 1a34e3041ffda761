import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import { STARTUP_TASK, type AppLogger, type StartupTask } from '../../application/shared/ports.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../../application/idempotency/ports.js';
import { TOKEN_REVOCATION_STORE, type TokenRevocationStore } from '../../application/identity/ports.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { RedisIdempotencyStore } from '../../adapters/cache/redis-idempotency-store.js';
import { RedisTokenRevocationStore } from '../../adapters/cache/redis-token-revocation-store.js';
import { buildContainer } from '../../bootstrap/container.js';
import { PERSISTENCE } from '../../bootstrap/modules/persistence.js';
import { testConfig } from '../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../support/services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SILENT: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The names of the classes a persistence adapter folder exports that start with `prefix`. */
async function adapterClasses(folder: 'memory' | 'mongo', prefix: string): Promise<Set<string>> {
  const dir = join(ROOT, 'adapters/persistence', folder);
  const found = new Set<string>();
  // Runs from the sources and, compiled, from dist/.
  const files = readdirSync(dir).filter((f) => /^[^.]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function' && name.startsWith(prefix) && /^class\b/.test(String(value))) {
        found.add(name);
      }
    }
  }
  return found;
}

async function tableClasses(side: 'memory' | 'mongo'): Promise<Set<string>> {
  const adapters = await Promise.all(
    PERSISTENCE.map(async (row) => (side === 'memory' ? row.memory : await row.mongo.load())),
  );
  return new Set(adapters.map((a) => a.Class.name));
}

function startupTaskNames(container: Container): string[] {
  return container.getAll<StartupTask>(STARTUP_TASK).map((task) => task.name);
}

describe('bootstrap: one table chooses the memory or Mongo adapter of every port', () => {
  it('holds every Mongo adapter of a port, and every memory one', async () => {
    // Not ports with a memory twin: the connection's health indicator (bindInfrastructure).
    const mongo = await adapterClasses('mongo', 'Mongo');
    mongo.delete('MongoHealth');
    const mongoTable = await tableClasses('mongo');
    expect([...mongo].filter((name) => !mongoTable.has(name))).to.deep.equal([]);
    // Not chosen against Mongo: the store itself, its health, the login throttles (memory or Redis).
    const memory = await adapterClasses('memory', 'Memory');
    for (const name of ['MemoryDatabase', 'MemoryStoreHealth', 'MemoryLoginThrottle']) memory.delete(name);
    const memoryTable = await tableClasses('memory');
    expect([...memory].filter((name) => !memoryTable.has(name))).to.deep.equal([]);
    expect(new Set(PERSISTENCE.map((row) => row.token)).size).to.equal(PERSISTENCE.length);
  });

  it('is the only bootstrap module that chooses a persistence adapter', () => {
    // infrastructure: the connection and health; shared: the memory store; sessions: the Redis
    // revocation store's durable Mongo copy and the in-process login throttles.
    const allowed = new Set(['persistence', 'infrastructure', 'shared', 'sessions']);
    const dir = join(ROOT, 'bootstrap/modules');
    // Sources, or compiled modules when run from dist/ (imports keep their specifiers).
    const offenders = readdirSync(dir)
      .filter((file) => /^[^.]+\.(ts|js)$/.test(file) && !allowed.has(file.replace(/\.(ts|js)$/, '')))
      .filter((file) =>
        /adapters\/persistence\/(memory|mongo)\//.test(readFileSync(join(dir, file), 'utf8')),
      );
    expect(offenders).to.deep.equal([]);
  });

  it('binds every port to its memory adapter on the embedded default', async () => {
    const container = await buildContainer(testConfig(), SILENT);
    try {
      for (const row of PERSISTENCE) {
        expect(container.get(row.token), String(row.token.description)).to.be.instanceOf(row.memory.Class);
      }
      expect(startupTaskNames(container).filter((name) => name.startsWith('mongo:'))).to.deep.equal([]);
    } finally {
      await container.unbindAllAsync();
    }
  });

  describeWith(['mongo'], 'with MONGODB_URI', () => {
    it('binds every port to its Mongo adapter and builds each context’s repositories at start', async () => {
      const container = await buildContainer(
        testConfig({ MONGODB_URI: mongoTestUri('persistence-table') }),
        SILENT,
      );
      try {
        for (const row of PERSISTENCE) {
          const { Class } = await row.mongo.load();
          expect(container.get(row.token), String(row.token.description)).to.be.instanceOf(Class);
        }
        const contexts = new Set(PERSISTENCE.map((row) => row.context));
        expect(
          startupTaskNames(container).filter((name) => name.endsWith('repositories registered')),
        ).to.have.members([...contexts].map((context) => `mongo: ${context} repositories registered`));
      } finally {
        await container.get<Connection>(MONGO_CONNECTION).dropDatabase();
        await container.unbindAllAsync();
      }
    });
  });

  describeWith(['mongo', 'redis'], 'with MONGODB_URI and REDIS_URL', () => {
    it('leaves the ports Redis serves to their modules, keeping the revocations’ Mongo copy built at start', async () => {
      const container = await buildContainer(
        testConfig({ MONGODB_URI: mongoTestUri('persistence-table'), REDIS_URL: serviceUrl('redis') }),
        SILENT,
      );
      try {
        expect(container.get<IdempotencyStore>(IDEMPOTENCY_STORE)).to.be.instanceOf(RedisIdempotencyStore);
        expect(container.get<TokenRevocationStore>(TOKEN_REVOCATION_STORE)).to.be.instanceOf(
          RedisTokenRevocationStore,
        );
        const names = startupTaskNames(container);
        expect(names).to.include('mongo: identity repositories registered');
        expect(names).not.to.include('mongo: idempotency repositories registered');
      } finally {
        await container.get<Connection>(MONGO_CONNECTION).dropDatabase();
        await container.unbindAllAsync();
      }
    });
  });
});
