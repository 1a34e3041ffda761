import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { RECOMMENDATION_MODELS, type RecommendationModels } from '../../../application/discovery/ports.js';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, anOrder } from '../../support/kit.js';
import { aModel } from '../../application/discovery/fake-models.js';

/** The routes answer from the model stored in the container's RecommendationModels. */
describe('HTTP related / recommendations served from the stored model (memory)', () => {
  let t: TestApp;
  let p: Product[];
  let coldStart: Product;
  const ids = (res: { json(): { data: { products: { _id: string }[] } } }) =>
    res.json().data.products.map((x) => x._id);
  const get = (url: string, token?: string) => t.request({ method: 'GET', url, token });

  before(async () => {
    t = await buildTestApp();
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    // p0 and p1 share every attribute (the content rules pair them); the model pairs p0 with p3, p2
    const roses = {
      categoryId: null,
      occasions: ['birthday' as const],
      flowerTypes: ['roses' as const],
      colors: ['red' as const],
    };
    const plain = { categoryId: null, occasions: [], flowerTypes: [], colors: [] };
    p = [
      await products.create(aProduct({ name: 'Model 0', ...roses })),
      await products.create(aProduct({ name: 'Model 1', ...roses })),
      await products.create(aProduct({ name: 'Model 2', ...plain })),
      await products.create(aProduct({ name: 'Model 3', ...plain })),
    ];
    coldStart = await products.create(aProduct({ name: 'New since training', ...roses }));
    // saved before any discovery request: the instance loads it on first use
    await t.container
      .get<RecommendationModels>(RECOMMENDATION_MODELS)
      .save(aModel(1, { [p[0]!.id]: [p[3]!.id, p[2]!.id], [p[2]!.id]: [p[1]!.id] }, [p[2]!.id, p[3]!.id]));
  });
  after(async () => {
    await t.close();
  });

  it("related: the model's neighbours first, then the content rules; a product it does not know gets the rules", async () => {
    const res = await get(`/api/products/${p[0]!.id}/related?limit=2`);
    expect(res.statusCode, res.body).to.equal(200);
    expect(ids(res)).to.deep.equal([p[3]!.id, p[2]!.id]);
    const more = ids(await get(`/api/api/products/${p[0]!.id}/related?limit=3`));
    expect(more.slice(0, 2)).to.deep.equal([p[3]!.id, p[2]!.id]);
    expect([p[1]!.id, coldStart.id]).to.include(more[2]);
    const cold = ids(await get(`/api/products/${coldStart.id}/related?limit=50`));
    expect(cold).to.include.members([p[0]!.id, p[1]!.id]);
    expect(cold).to.not.include(p[2]!.id);
  });

  it('recommendations: anonymous and new shoppers get the popular list; a buyer the neighbours of their orders', async () => {
    expect(ids(await get('/api/products/recommendations?limit=2'))).to.deep.equal([p[2]!.id, p[3]!.id]);
    const fresh = await registerUser(t);
    expect(ids(await get('/api/products/recommendations?limit=2', fresh.token))).to.deep.equal([
      p[2]!.id,
      p[3]!.id,
    ]);
    const buyer = await registerUser(t);
    const old = new Date(Date.now() - 90 * 86_400_000);
    (
      await t.container
        .get<OrderRepository>(ORDER_REPOSITORY)
        .create(anOrder({ userId: buyer.user._id, items: [p[0]!.id], status: 'delivered', now: old }), [])
    ).unwrap();
    expect(ids(await get('/api/products/recommendations?limit=2', buyer.token))).to.deep.equal([
      p[3]!.id,
      p[2]!.id,
    ]);
  });

  it("recommendations: the shopper's stated favourite occasions reach the blend", async () => {
    const shopper = await registerUser(t);
    (
      await t.container.get<OrderRepository>(ORDER_REPOSITORY).create(
        anOrder({
          userId: shopper.user._id,
          items: [p[2]!.id],
          status: 'delivered',
          now: new Date(Date.now() - 90 * 86_400_000),
        }),
        [],
      )
    ).unwrap();
    const users = t.container.get<UserRepository>(USER_REPOSITORY);
    const sympathy = await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).create(
      aProduct({
        name: 'Sympathy',
        categoryId: null,
        occasions: ['sympathy'],
        flowerTypes: [],
        colors: [],
      }),
    );
    const before = ids(await get('/api/products/recommendations?limit=50', shopper.token));
    expect(before[0]).to.equal(p[1]!.id); // the only neighbour of p2
    const user = (await users.findById(shopper.user._id))!;
    (
      await users.update({
        ...user,
        preferences: { ...user.preferences, favoriteOccasions: ['sympathy'] },
      })
    ).unwrap();
    const after = ids(await get('/api/products/recommendations?limit=50', shopper.token));
    expect(after[0]).to.equal(p[1]!.id);
    // without the stated occasion nothing sympathy-related is lifted; with it they come next
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const isSympathy = async (id: string) => (await products.findById(id))!.occasions.includes('sympathy');
    expect(await isSympathy(before[1]!)).to.equal(false);
    expect(await isSympathy(after[1]!)).to.equal(true);
    expect(after).to.include(sympathy.id);
  });
});
