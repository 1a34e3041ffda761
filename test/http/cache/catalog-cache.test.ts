import { expect } from 'chai';
import type { Product } from '../../../domain/catalog/product.js';
import {
  CATEGORY_REPOSITORY,
  PRODUCT_REPOSITORY,
  type CategoryRepository,
  type ProductRepository,
} from '../../../application/catalog/ports.js';
import { STOCK_STORE, type StockStore } from '../../../application/inventory/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';

/** The embedded default caches catalog reads in process; every change drops what it affects. */
describe('http/cache: catalog cache-aside on the embedded default', () => {
  let t: TestApp;
  let admin: string;
  let products: ProductRepository;
  let stock: StockStore;
  let id: string;

  const detail = async () =>
    (await t.request({ method: 'GET', url: `/api/products/${id}` })).json().data.product;
  const listed = async () =>
    (await t.request({ method: 'GET', url: '/api/products?limit=100' }))
      .json()
      .data.products.find((p: { _id: string }) => p._id === id);

  before(async () => {
    t = await buildTestApp();
    admin = await loginAdmin(t);
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    stock = t.container.get<StockStore>(STOCK_STORE);
    id = (await products.all())[0]!.id;
  });
  after(async () => {
    await t.close();
  });

  it('answers a repeated read from the cache (a change behind the repository’s back is not seen)', async () => {
    const before = await detail();
    expect((await listed()).name).to.equal(before.name);
    const raw = t.container.get(MemoryDatabase).collection<Product>('products');
    const stored = raw.get(id)!;
    raw.set(id, { ...stored, name: 'Changed behind the cache' });
    try {
      expect((await detail()).name).to.equal(before.name);
      expect((await listed()).name).to.equal(before.name);
    } finally {
      raw.set(id, stored);
    }
  });

  it('an admin price change is served at once by the detail, the list and the search', async () => {
    const name = (await detail()).name as string;
    await listed();
    await t.request({ method: 'GET', url: `/api/products/search?q=${encodeURIComponent(name)}` });
    const res = await t.request({
      method: 'PUT',
      url: `/api/admin/products/${id}`,
      token: admin,
      body: { price: 4321.5 },
    });
    expect(res.statusCode).to.equal(200);
    expect((await detail()).price).to.equal(4321.5);
    expect((await listed()).price).to.equal(4321.5);
    const found = (
      await t.request({ method: 'GET', url: `/api/products/search?q=${encodeURIComponent(name)}` })
    ).json().data.products;
    expect(found.find((p: { _id: string }) => p._id === id).price).to.equal(4321.5);
  });

  it('a stock change that publishes no event (an order’s reservation) is seen at once: stock and inStock', async () => {
    expect((await detail()).inStock).to.equal(true);
    expect(await stock.setStock(id, 0)).to.equal(true); // straight to the stock store, no event
    expect((await detail()).inventory.stock).to.equal(0);
    expect((await detail()).inStock).to.equal(false);
    expect((await listed()).inStock).to.equal(false);
    await stock.releaseStock(id, 3);
    expect((await detail()).inventory.stock).to.equal(3);
  });

  it('a category change drops the category tree and the products that embed it', async () => {
    const categories = t.container.get<CategoryRepository>(CATEGORY_REPOSITORY);
    const product = (await detail()) as { category: { _id: string; name: string } };
    const tree = async () =>
      (await t.request({ method: 'GET', url: '/api/categories' })).json().data.categories;
    const named = (list: Array<{ _id: string; name: string }>) =>
      list.find((c) => c._id === product.category._id);
    expect(named(await tree())!.name).to.equal(product.category.name);
    const category = (await categories.findById(product.category._id))!;
    const updated = await categories.update({ ...category, name: `${category.name} Renamed` });
    expect(updated.isOk()).to.equal(true);
    expect(named(await tree())!.name).to.equal(`${category.name} Renamed`);
    expect((await detail()).category.name).to.equal(`${category.name} Renamed`);
  });

  it('failures are not cached: a missing product answers 404 each time, then the product once it exists', async () => {
    const res = await t.request({ method: 'GET', url: '/api/products/0123456789abcdef01234567' });
    expect(res.statusCode).to.equal(404);
    expect(
      (await t.request({ method: 'GET', url: '/api/products/0123456789abcdef01234567' })).statusCode,
    ).to.equal(404);
  });
});
