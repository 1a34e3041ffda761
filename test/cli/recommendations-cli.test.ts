import { expect } from 'chai';
import type { Container } from 'inversify';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../application/catalog/ports.js';
import { RECOMMENDATION_MODELS, type RecommendationModels } from '../../application/discovery/ports.js';
import { USER_REPOSITORY, type UserRepository } from '../../application/identity/ports.js';
import { PlaceOrder } from '../../application/ordering/place-order.js';
import { cli, cliContainer } from '../support/cli.js';
import { aProduct } from '../support/kit.js';

describe('CLI: recommendations:train (embedded store)', () => {
  let container: Container;
  beforeEach(async () => {
    container = await cliContainer();
  });

  it('trains with a progress bar, stores version 1 and prints the metrics of the model and the baseline', async () => {
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const [a, b] = [await products.create(aProduct()), await products.create(aProduct())];
    await cli(container, 'create-admin', '--email', 'buyer@example.com', '--password', 'buyer-pass');
    const buyer = (await container.get<UserRepository>(USER_REPOSITORY).findByEmail('buyer@example.com'))!;
    for (const p of [a, b]) {
      const placed = await container.get(PlaceOrder).execute({
        userId: buyer.id,
        lines: { from: 'request', items: [{ productId: p.id, quantity: 1 }] },
        shippingAddress: { fullName: 'B', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
      });
      if (placed.isErr()) throw new Error(JSON.stringify(placed.error));
    }

    const r = await cli(container, 'recommendations:train');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/Training \[.*\] 100%/);
    expect(r.out).to.include('Stored model version 1 (2 products, 2 orders, 0 wishlists, 0 views)');
    expect(r.out).to.include('Evaluated on 1 held-out orders:');
    expect(r.out).to.match(/model {5}hit-rate@10 \d\.\d{4} {2}NDCG@10 \d\.\d{4}/);
    expect(r.out).to.match(/popular {3}hit-rate@10 1\.0000 {2}NDCG@10 1\.0000/);
    const store = container.get<RecommendationModels>(RECOMMENDATION_MODELS);
    expect(await store.latestVersion()).to.equal(1);
    expect((await store.latest())!.neighbours[a.id]!.map((n) => n.id)).to.deep.equal([b.id]);

    const again = await cli(container, 'recommendations:train');
    expect(again.out).to.include('Stored model version 2');
    expect(await store.latestVersion()).to.equal(2);
  });
});
