import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

describe('search index reconciliation on its schedule (SEARCH_RECONCILE_INTERVAL_MS)', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ SEARCH_RECONCILE_INTERVAL_MS: '1000' });
  });
  after(async () => {
    await t.close();
  });

  it('a change this instance never heard of (a notice lost on the way) reaches its index at the next check', async () => {
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const [first] = await products.all();
    // Written straight to the store: no catalog notice, as when the fan-out dropped one.
    const saved = await products.update({
      ...first!,
      name: 'Quietly Renamed Peonies',
      version: first!.version,
    });
    expect(saved.isOk()).to.equal(true);
    const names = async () =>
      (await t.request({ method: 'GET', url: '/api/search/autocomplete?q=quietly' })).json().data
        .suggestions as { text: string }[];
    expect(await names()).to.deep.equal([]);
    for (let i = 0; i < 50 && (await names()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await names()).map((s) => s.text)).to.include('Quietly Renamed Peonies');
  });
});
