import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { SEARCH_INDEX, type SearchIndex } from '../../../application/search/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

const CONFIRMED = { 'x-admin-confirmation': 'confirmed' };

describe('GET /api/search/autocomplete and the index behind it', () => {
  let t: TestApp;
  let admin: string;
  let index: SearchIndex;
  let products: ProductRepository;
  let categoryId: string;

  const req = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    token?: string,
  ) => {
    const res = await t.request({ method, url, token: token ?? admin, body, headers: CONFIRMED });
    return { status: res.statusCode, body: res.json() };
  };
  const suggest = async (q: string, extra = '') =>
    (await req('GET', `/api/search/autocomplete?q=${encodeURIComponent(q)}${extra}`)).body.data
      .suggestions as {
      kind: string;
      text: string;
      id?: string;
    }[];
  const product = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    description: 'A test arrangement',
    price: 999,
    category: categoryId,
    inventory: { stock: 5 },
    flowerTypes: ['seasonal'],
    occasions: ['just-because'],
    colors: ['yellow'],
    images: [{ url: 'https://img.example/a.jpg', alt: 'Front', isPrimary: true }],
    ...extra,
  });

  before(async () => {
    t = await buildTestApp();
    admin = await loginAdmin(t);
    index = t.container.get<SearchIndex>(SEARCH_INDEX);
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    categoryId = (await req('GET', '/api/categories')).body.data.categories[0]._id;
  });
  after(() => t.close());

  it('is filled from the catalog at start', async () => {
    expect(index.size)
      .to.equal((await products.all()).length)
      .and.to.be.greaterThan(30);
  });

  it('answers {query, suggestions: [{kind, text, id?}]}; "rsoe" offers roses first, then rose products', async () => {
    const res = await req('GET', '/api/search/autocomplete?q=rsoe', undefined, '');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ status: 'success', success: true });
    expect(res.body.data.query).to.equal('rsoe');
    const list = res.body.data.suggestions;
    expect(list).to.have.length.within(1, 8);
    expect(list[0]).to.deep.equal({ kind: 'flowerType', text: 'roses' });
    const productNames = list
      .filter((s: { kind: string }) => s.kind === 'product')
      .map((s: { text: string }) => s.text);
    expect(productNames.length).to.be.greaterThan(0);
    for (const name of productNames) expect(name.toLowerCase()).to.include('rose');
    for (const s of list.filter((x: { kind: string }) => x.kind === 'product' || x.kind === 'category')) {
      expect(s.id).to.match(/^[0-9a-f]{24}$/);
    }
  });

  it('completes prefixes and keeps to the limit (default 8); also under /api/api', async () => {
    expect((await suggest('birth'))[0]).to.deep.equal({ kind: 'occasion', text: 'birthday' });
    expect(await suggest('tul')).to.deep.include({ kind: 'flowerType', text: 'tulips' });
    expect(await suggest('r', '&limit=3')).to.have.length(3);
    expect(await suggest('r')).to.have.length(8);
    const mounted = await req('GET', '/api/api/search/autocomplete?q=orchi');
    expect(mounted.status).to.equal(200);
    expect(mounted.body.data.suggestions[0]).to.deep.equal({ kind: 'flowerType', text: 'orchids' });
  });

  for (const [query, field] of [
    ['', 'q'],
    ['q=', 'q'],
    ['q=%20%20', 'q'],
    [`q=${'a'.repeat(101)}`, 'q'],
    ['q=rose&limit=0', 'limit'],
    ['q=rose&limit=21', 'limit'],
    ['q=rose&limit=two', 'limit'],
    ['q=rose&extra=1', 'extra'],
  ] as const) {
    it(`400 naming ${field} for ?${query.slice(0, 30)}`, async () => {
      const res = await req('GET', `/api/search/autocomplete?${query}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(JSON.stringify(res.body)).to.include(field);
    });
  }

  it('follows product creation, renaming and deletion at once', async () => {
    const created = await req('POST', '/api/admin/products', product('Zinnia Zephyr'));
    expect(created.status).to.equal(201);
    const id = created.body.data.product._id;
    expect(await suggest('zinni')).to.deep.include({ kind: 'product', text: 'Zinnia Zephyr', id });
    expect((await index.match('zephyr'))[0]!.id).to.equal(id);

    expect((await req('PUT', `/api/admin/products/${id}`, { name: 'Quince Quartet' })).status).to.equal(200);
    expect(await suggest('quinc')).to.deep.include({ kind: 'product', text: 'Quince Quartet', id });
    expect((await suggest('zinni')).map((s) => s.id)).to.not.include(id);

    expect((await req('DELETE', `/api/admin/products/${id}`)).status).to.equal(200);
    expect((await suggest('quinc')).map((s) => s.id)).to.not.include(id);
    expect(index.get(id)).to.equal(undefined);
  });

  it("re-indexes a category's products when the category is renamed", async () => {
    const cat = await req('POST', '/api/categories', { name: 'Xeranthemum Corner' });
    expect(cat.status).to.equal(201);
    const ownCategory = cat.body.data.category._id;
    const created = await req(
      'POST',
      '/api/admin/products',
      product('Plain Bunch', { category: ownCategory }),
    );
    const id = created.body.data.product._id;
    expect((await index.match('xeranthemum'))[0]?.id).to.equal(id);
    expect((await req('PUT', `/api/categories/${ownCategory}`, { name: 'Yarrow Yard' })).status).to.equal(
      200,
    );
    expect(index.get(id)!.category).to.equal('Yarrow Yard');
    expect((await index.match('yarrow'))[0]?.id).to.equal(id);
    expect(await index.match('xeranthemum')).to.deep.equal([]);
    expect(await suggest('yarro')).to.deep.include({
      kind: 'category',
      text: 'Yarrow Yard',
      id: ownCategory,
    });
  });

  it('follows stock changes and orders (stock and sales count change without a catalog notice)', async () => {
    const id = (
      await req('POST', '/api/admin/products', product('Lone Lisianthus', { inventory: { stock: 2 } }))
    ).body.data.product._id;
    expect(index.get(id)).to.include({ inStock: true, salesCount: 0 });
    const shopper = (await registerUser(t)).token;
    const order = await req(
      'POST',
      '/api/orders',
      {
        items: [{ product: id, quantity: 2 }],
        shippingAddress: { fullName: 'B', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
      },
      shopper,
    );
    expect(order.status, JSON.stringify(order.body)).to.equal(201);
    expect(index.get(id)).to.include({ inStock: false, salesCount: 2 });
    expect((await req('PUT', `/api/admin/products/${id}`, { inventory: { stock: 7 } })).status).to.equal(200);
    expect(index.get(id)).to.include({ inStock: true, salesCount: 2 });
  });

  it('ends on the stored state when renames of one product race', async () => {
    const id = (await req('POST', '/api/admin/products', product('Racing Ranunculus'))).body.data.product._id;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        req('PUT', `/api/admin/products/${id}`, { name: `Racing Ranunculus ${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).to.be.greaterThan(0);
    const stored = (await products.findById(id))!;
    expect(index.get(id)!.name).to.equal(stored.name);
    expect((await suggest(stored.name)).find((s) => s.id === id)?.text).to.equal(stored.name);
  });
});
