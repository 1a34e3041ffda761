import { expect } from 'chai';
import type { ProductViews } from '../../../application/discovery/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductViews } from '../../../adapters/persistence/memory/discovery-product-views.js';
import { MongoProductViews } from '../../../adapters/persistence/mongo/discovery-product-views.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';

function contract(make: () => Promise<ProductViews>): void {
  it('counts per product per day and answers the days from a given day', async () => {
    const views = await make();
    await views.increment('p1', '2026-05-30');
    await views.increment('p1', '2026-05-31');
    await views.increment('p1', '2026-05-31');
    await views.increment('p2', '2026-05-31');
    const rows = (await views.since('2026-05-31')).map((r) => ({ ...r }));
    expect(rows.sort((a, b) => a.productId.localeCompare(b.productId))).to.deep.equal([
      { productId: 'p1', day: '2026-05-31', count: 2 },
      { productId: 'p2', day: '2026-05-31', count: 1 },
    ]);
    expect(await views.since('2026-06-01')).to.deep.equal([]);
    expect((await views.since('2026-01-01')).reduce((n, r) => n + r.count, 0)).to.equal(4);
  });

  it('loses no parallel increment, including the first ones of a day', async () => {
    const views = await make();
    await Promise.all(Array.from({ length: 12 }, () => views.increment('p9', '2026-06-01')));
    expect(await views.since('2026-06-01')).to.deep.equal([
      { productId: 'p9', day: '2026-06-01', count: 12 },
    ]);
  });
}

describe('contract: ProductViews (memory)', () => {
  contract(async () => new MemoryProductViews(new MemoryDatabase()));
});

describeWith(['mongo'], 'contract: ProductViews (mongo)', () => {
  const mongo = useMongo('product_views_contract');
  contract(async () => {
    const views = new MongoProductViews(mongo.connection());
    await mongo.reset();
    return views;
  });
});
