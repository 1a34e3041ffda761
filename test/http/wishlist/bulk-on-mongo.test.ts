import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct } from '../../support/kit.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

describeWith(['mongo'], 'HTTP wishlist bulk operations and share links on MongoDB, across a restart', () => {
  const uri = mongoTestUri('wishlist-bulk');
  let first: TestApp | undefined;
  let second: TestApp | undefined;

  after(async () => {
    const app = second ?? first;
    if (app) await app.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await second?.close();
    await first?.close().catch(() => undefined);
  });

  it('bulk add, atomic refusal, per-item move with progress, share link; all read back by a restarted app', async () => {
    first = await buildTestApp({ MONGODB_URI: uri });
    const products = first.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const p: Product[] = [];
    for (let i = 0; i < 3; i += 1) p.push(await products.create(aProduct({ name: `Mongo bulk ${i}` })));
    const empty = await products.create(
      aProduct({ name: 'Mongo empty', inventory: { stock: 0, lowStockThreshold: 1, isAvailable: true } }),
    );
    const { token } = await registerUser(first, { fullName: 'Asha Rao' });
    const call = (t: TestApp, method: 'GET' | 'POST', url: string, body?: unknown) =>
      t.request({ method, url, token, ...(body !== undefined ? { body } : {}) });

    const added = await call(first, 'POST', '/api/wishlist/bulk/add', {
      productIds: [...p.map((x) => x.id), empty.id],
    });
    expect(added.json().data.added).to.deep.equal([...p.map((x) => x.id), empty.id]);

    const refused = await call(first, 'POST', '/api/wishlist/bulk/move-to-cart', {
      productIds: [p[0]!.id, empty.id],
    });
    expect(refused.statusCode).to.equal(409);
    expect((await call(first, 'GET', '/api/cart')).json().data.cart.items).to.deep.equal([]);

    const op = await call(first, 'POST', '/api/wishlist/bulk/operations', {
      action: 'move-to-cart',
      productIds: [p[0]!.id, p[1]!.id, empty.id],
    });
    expect(op.statusCode, op.body).to.equal(200);
    expect(op.json().data.progress).to.deep.equal({ completed: 2, total: 3, percentage: 67 });
    const share = (await call(first, 'POST', '/api/wishlist/share', {})).json().data.share;

    await first.close();
    second = await buildTestApp({ MONGODB_URI: uri });
    const got = await call(second, 'GET', `/api/wishlist/bulk/operations/${op.json().data.operationId}`);
    expect(got.statusCode).to.equal(200);
    expect(got.json().data).to.deep.include({
      status: 'completed',
      processed: 3,
      successful: [p[0]!.id, p[1]!.id],
    });
    const view = await second.request({ method: 'GET', url: `/api/wishlist/shared/${share.token}` });
    expect(view.statusCode).to.equal(200);
    expect(view.json().data.wishlist.owner).to.deep.equal({ firstName: 'Asha' });
    expect(view.json().data.wishlist.products.map((x: { _id: string }) => x._id)).to.deep.equal([
      p[2]!.id,
      empty.id,
    ]);
    expect((await call(second, 'GET', '/api/wishlist/share')).json().data.shares[0].status).to.equal(
      'active',
    );
  });
});
