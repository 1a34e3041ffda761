import { expect } from 'chai';
import { Container } from 'inversify';
import { token } from '../../application/shared/token.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { MemoryCartRepository } from '../../adapters/persistence/memory/cart-repository.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryUserRepository } from '../../adapters/persistence/memory/identity-user-repository.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoUserRepository } from '../../adapters/persistence/mongo/identity-user-repository.js';
import { bindClass, bindUseCase } from '../../bootstrap/modules/bind.js';
import { adapter, lazyAdapter, row } from '../../bootstrap/modules/persistence.js';
import { PII_CIPHER } from '../../application/shared/pii.js';

/*
 * Type-level checks of the container wiring: every `@ts-expect-error` line below must be a
 * compile error, or `npm run typecheck` (which covers test/) fails with "Unused
 * '@ts-expect-error' directive". The runtime part only checks that the well-typed bindings resolve.
 */

interface Clock {
  now(): Date;
}
interface Ids {
  next(): string;
}
interface Repository {
  find(id: string): string | undefined;
}
const CLOCK = token<Clock>('typed-wiring/Clock');
const IDS = token<Ids>('typed-wiring/Ids');
const REPOSITORY = token<Repository>('typed-wiring/Repository');

class FixedClock implements Clock {
  now(): Date {
    return new Date(0);
  }
}
class CountingIds implements Ids {
  private n = 0;
  next(): string {
    this.n += 1;
    return String(this.n);
  }
}
class MapRepository implements Repository {
  constructor(private readonly clock: Clock) {}
  find(id: string): string | undefined {
    return `${id}@${this.clock.now().toISOString()}`;
  }
}
class Helper {
  constructor(readonly ids: Ids) {}
}
class UseCase {
  constructor(
    readonly repository: Repository,
    readonly clock: Clock,
    readonly helper: Helper,
    readonly label: string = 'default',
  ) {}
}
const LABEL = token<string>('typed-wiring/Label');

function wire(container: Container): void {
  bindClass(container, CLOCK, FixedClock, []);
  bindClass(container, IDS, CountingIds, []);
  bindClass(container, REPOSITORY, MapRepository, [CLOCK]);
  bindUseCase(container, Helper, [IDS]);
  // The optional trailing parameter may be left out, or given.
  bindUseCase(container, UseCase, [REPOSITORY, CLOCK, Helper]);
}

/** Never called: its lines only have to compile (or fail to, where marked). */
export function illTypedBindings(container: Container): void {
  bindUseCase(container, UseCase, [REPOSITORY, CLOCK, Helper, LABEL]);

  // A missing dependency.
  // @ts-expect-error -- UseCase needs a Helper third
  bindUseCase(container, UseCase, [REPOSITORY, CLOCK]);
  // A dependency of the wrong type.
  // @ts-expect-error -- IDS is not a Clock
  bindUseCase(container, UseCase, [REPOSITORY, IDS, Helper]);
  // Two dependencies swapped.
  // @ts-expect-error -- positions matter
  bindUseCase(container, UseCase, [CLOCK, REPOSITORY, Helper]);
  // A class token of the wrong type.
  // @ts-expect-error -- a FixedClock is not a Helper
  bindUseCase(container, UseCase, [REPOSITORY, CLOCK, FixedClock]);
  // One dependency too many.
  // @ts-expect-error -- UseCase takes four at most
  bindUseCase(container, UseCase, [REPOSITORY, CLOCK, Helper, LABEL, LABEL]);
  // A bare symbol carries no type, so it is refused.
  // @ts-expect-error -- not a Token<Clock>
  bindClass(container, REPOSITORY, MapRepository, [Symbol.for('typed-wiring/Clock')]);
  // An adapter that does not implement the port it is bound under.
  // @ts-expect-error -- CountingIds is not a Repository
  bindClass(container, REPOSITORY, CountingIds, []);
  // Deps may not be omitted.
  // @ts-expect-error -- MapRepository needs a Clock
  bindClass(container, REPOSITORY, MapRepository);

  // The persistence table's rows are checked the same way.
  row({
    token: USER_REPOSITORY,
    context: 'identity',
    memory: adapter(MemoryUserRepository, [MemoryDatabase]),
    mongo: lazyAdapter(
      async () => ({ MongoUserRepository }),
      (m) => m.MongoUserRepository,
      [MONGO_CONNECTION, PII_CIPHER],
    ),
  });
  row({
    token: USER_REPOSITORY,
    context: 'identity',
    // @ts-expect-error -- a cart repository is not a user repository
    memory: adapter(MemoryCartRepository, [MemoryDatabase]),
    mongo: lazyAdapter(
      async () => ({ MongoUserRepository }),
      (m) => m.MongoUserRepository,
      [MONGO_CONNECTION, PII_CIPHER],
    ),
  });
  // @ts-expect-error -- the Mongo adapter takes the connection, not the memory store
  adapter(MongoUserRepository, [MemoryDatabase]);
  // Imported only under MONGODB_URI, the Mongo column is checked the same way.
  const pick = (m: { MongoUserRepository: typeof MongoUserRepository }) => m.MongoUserRepository;
  // @ts-expect-error -- the Mongo adapter takes the connection, not the memory store
  lazyAdapter(async () => ({ MongoUserRepository }), pick, [MemoryDatabase]);
}

describe('typed container wiring', () => {
  it('resolves well-typed bindings (the ill-typed ones are checked by tsc)', () => {
    const container = new Container();
    wire(container);
    const useCase = container.get(UseCase);
    expect(useCase.repository.find('a')).to.equal('a@1970-01-01T00:00:00.000Z');
    expect(useCase.helper.ids.next()).to.equal('1');
    expect(useCase.label).to.equal('default');
  });
});
