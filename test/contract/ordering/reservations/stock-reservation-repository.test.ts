import { expect } from 'chai';
import type {
  StockReservation,
  StockReservationRepository,
} from '../../../../application/inventory/ports.js';
import { MemoryDatabase } from '../../../../adapters/persistence/memory/memory-database.js';
import { MemoryStockReservationRepository } from '../../../../adapters/persistence/memory/inventory-stock-reservations.js';
import { MongoStockReservationRepository } from '../../../../adapters/persistence/mongo/inventory-stock-reservations.js';
import { describeWith } from '../../../support/services.js';
import { FIXED_NOW, testId } from '../../../support/kit.js';
import { useMongo } from '../../../support/mongo.js';

const at = (ms: number) => new Date(FIXED_NOW.getTime() + ms);

function intent(overrides: Partial<StockReservation> = {}): StockReservation {
  return {
    id: testId(),
    orderId: testId(),
    productId: testId(),
    quantity: 2,
    expiresAt: at(1000),
    ...overrides,
  };
}

function contract(fresh: () => Promise<StockReservationRepository>): void {
  let repo: StockReservationRepository;
  beforeEach(async () => {
    repo = await fresh();
  });

  it('answers expired intents only, earliest expiry first then id, up to the limit, field for field', async () => {
    const late = intent({ expiresAt: at(3000) });
    const early = intent({ expiresAt: at(1000), quantity: 5 });
    const tieA = intent({ id: 'aa0000000000000000000001', expiresAt: at(2000) });
    const tieB = intent({ id: 'aa0000000000000000000002', expiresAt: at(2000) });
    await repo.record([late, tieB]);
    await repo.record([early, tieA]);
    await repo.record([]);
    expect(await repo.expired(at(999), 10)).to.deep.equal([]);
    expect(await repo.expired(at(1000), 10)).to.deep.equal([early]);
    expect(await repo.expired(at(2500), 10)).to.deep.equal([early, tieA, tieB]);
    expect(await repo.expired(at(9999), 2)).to.deep.equal([early, tieA]);
    expect(await repo.expired(at(9999), 0)).to.deep.equal([]);
  });

  it('record leaves an existing intent as it is; remove deletes by id and ignores unknown ids', async () => {
    const a = intent();
    const b = intent();
    await repo.record([a]);
    await repo.record([{ ...a, quantity: 99, expiresAt: at(5) }, b]);
    expect(await repo.expired(at(9999), 10)).to.deep.equal([a, b].sort((x, y) => (x.id < y.id ? -1 : 1)));
    await repo.remove([a.id, 'ff0000000000000000000000']);
    await repo.remove([]);
    expect(await repo.expired(at(9999), 10)).to.deep.equal([b]);
    await repo.remove([b.id]);
    expect(await repo.expired(at(9999), 10)).to.deep.equal([]);
  });
}

describe('contract/ordering memory StockReservationRepository', () =>
  contract(async () => new MemoryStockReservationRepository(new MemoryDatabase())));

describeWith(['mongo'], 'contract/ordering mongo StockReservationRepository', () => {
  const mongo = useMongo('reservations');
  contract(async () => {
    const repo = new MongoStockReservationRepository(mongo.connection());
    await mongo.reset();
    return repo;
  });
});
