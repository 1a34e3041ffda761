import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

const CONFIRMED = { 'x-admin-confirmation': 'confirmed' };

describe('http/catalog /admin/products (compat 8, rules 16-19)', () => {
  let t: TestApp;
  let repo: ProductRepository;
  let admin: string;
  let shopper: string;
  let categoryId: string;
  let otherCategoryId: string;

  const req = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    opts: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const token = opts.token === null ? undefined : (opts.token ?? admin);
    const res = await t.request({
      method,
      url,
      ...(token ? { token } : {}),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
      sign: true, // the bulk update is a signed operation (README "Request signing")
    });
    return { status: res.statusCode, body: res.json() };
  };

  const valid = () => ({
    name: '  Admin Test Bouquet  ',
    description: 'Roses and lilies for the admin suite',
    price: 1299.5,
    category: categoryId,
    inventory: { stock: 25 },
    flowerTypes: ['roses', 'lilies'],
    occasions: ['birthday', 'anniversary'],
    tags: ['test', 'admin'],
    colors: ['red', 'white'],
    images: [
      { url: 'https://img.example/a.jpg', alt: 'Front', isPrimary: true },
      { url: 'https://img.example/b.jpg', alt: 'Side', isPrimary: false },
    ],
  });

  const snapshot = async () => JSON.stringify(await repo.all());

  before(async () => {
    t = await buildTestApp();
    repo = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    admin = await loginAdmin(t);
    shopper = (await registerUser(t)).token;
    const cats = (await req('GET', '/api/categories')).body.data.categories;
    categoryId = cats[0]._id;
    otherCategoryId = cats[1]._id;
  });
  after(async () => {
    await t.close();
  });

  describe('guard', () => {
    for (const [method, url] of [
      ['GET', '/api/admin/products'],
      ['POST', '/api/admin/products'],
      ['GET', '/api/admin/products/0123456789abcdef01234567'],
      ['PUT', '/api/admin/products/bulk-update'],
      ['DELETE', '/api/admin/products/0123456789abcdef01234567'],
    ] as const) {
      it(`${method} ${url}: 401 without a token, 403 for a shopper`, async () => {
        const anon = await req(method, url, {
          token: null,
          body: method === 'GET' || method === 'DELETE' ? undefined : {},
        });
        expect(anon.status).to.equal(401);
        expect(anon.body.message).to.contain('Not authorized');
        const user = await req(method, url, {
          token: shopper,
          body: method === 'GET' || method === 'DELETE' ? undefined : {},
        });
        expect(user.status).to.equal(403);
        expect(user.body.message).to.contain('User does not have admin privileges');
      });
    }
  });

  it('GET / lists all products, 20 per page by default, category populated', async () => {
    const { status, body } = await req('GET', '/api/admin/products');
    expect(status).to.equal(200);
    expect(body.count).to.equal(20);
    expect(body.pagination).to.include({ page: 1, limit: 20, total: (await repo.all()).length });
    expect(body.data.products[0].category._id).to.be.a('string');
    const page2 = await req('GET', '/api/admin/products?page=2&limit=5&fields=name');
    expect(page2.body.count).to.equal(5);
    expect(Object.keys(page2.body.data.products[0]).sort()).to.deep.equal(['_id', 'name']);
    expect((await req('GET', '/api/api/admin/products?limit=1')).body.count).to.equal(1);
  });

  describe('POST / (rule 16)', () => {
    it('creates: 201 with the trimmed name and every given field, and stores the same', async () => {
      const { status, body } = await req('POST', '/api/admin/products', { body: valid() });
      expect(status).to.equal(201);
      expect(body.status).to.equal('success');
      const p = body.data.product;
      expect(p.name).to.equal('Admin Test Bouquet');
      expect(p.description).to.equal(valid().description);
      expect(p.price).to.equal(1299.5);
      expect(p.category).to.equal(categoryId);
      expect(p.inventory.stock).to.equal(25);
      expect([p.isFeatured, p.isPopular]).to.deep.equal([false, false]);
      expect(p.flowerTypes).to.deep.equal(['roses', 'lilies']);
      expect(p.occasions).to.deep.equal(['birthday', 'anniversary']);
      expect(p.tags).to.deep.equal(['test', 'admin']);
      expect(p.colors).to.deep.equal(['red', 'white']);
      expect(p.images.map((i: any) => [i.url, i.alt, i.isPrimary])).to.deep.equal([
        ['https://img.example/a.jpg', 'Front', true],
        ['https://img.example/b.jpg', 'Side', false],
      ]);
      expect(p.images[0]).to.not.have.property('public_id');
      const stored = (await repo.findById(p._id))!;
      expect(stored).to.deep.include({
        name: 'Admin Test Bouquet',
        price: 129950,
        categoryId,
        isFeatured: false,
      });
      expect(stored.inventory.stock).to.equal(25);
      expect(stored.images.map((i) => i.url)).to.deep.equal([
        'https://img.example/a.jpg',
        'https://img.example/b.jpg',
      ]);
    });

    it('accepts a top-level stock and the optional fields', async () => {
      const { status, body } = await req('POST', '/api/admin/products', {
        body: {
          ...valid(),
          name: 'Top Level Stock',
          inventory: undefined,
          stock: 7,
          isFeatured: true,
          originalPrice: 1500,
          sizes: [{ name: 'deluxe', price: 500 }],
          images: [{ url: 'https://img.example/c.jpg', public_id: 'af/c', alt: 'C' }],
          careInstructions: 'Keep cool',
        },
      });
      expect(status).to.equal(201);
      const p = body.data.product;
      expect([p.inventory.stock, p.isFeatured, p.originalPrice, p.careInstructions]).to.deep.equal([
        7,
        true,
        1500,
        'Keep cool',
      ]);
      expect(p.sizes.map((s: any) => [s.name, s.price])).to.deep.equal([['deluxe', 500]]);
      expect(p.images[0].public_id).to.equal('af/c');
    });
  });

  describe('invalid creates (rule 19): 4xx, error, message, nothing created', () => {
    const cases: Array<[string, (b: any) => any, string, unknown?]> = [
      ['missing name', (b) => ({ ...b, name: undefined }), 'Missing required fields', ['name']],
      [
        'missing description',
        (b) => ({ ...b, description: undefined }),
        'Missing required fields',
        ['description'],
      ],
      ['missing price', (b) => ({ ...b, price: undefined }), 'Missing required fields', ['price']],
      ['missing category', (b) => ({ ...b, category: undefined }), 'Missing required fields', ['category']],
      [
        'missing everything',
        () => ({}),
        'Missing required fields',
        ['name', 'description', 'price', 'category'],
      ],
      ['price 0', (b) => ({ ...b, price: 0 }), 'Price must be greater than 0'],
      ['negative price', (b) => ({ ...b, price: -10 }), 'Price must be greater than 0'],
      ['negative stock', (b) => ({ ...b, inventory: { stock: -1 } }), 'Inventory stock cannot be negative'],
      [
        'negative top-level stock',
        (b) => ({ ...b, inventory: undefined, stock: -4 }),
        'Inventory stock cannot be negative',
      ],
      ['malformed category', (b) => ({ ...b, category: 'not-an-id' }), 'Invalid category ID'],
      ['unknown category', (b) => ({ ...b, category: '0123456789abcdef01234567' }), 'Invalid category ID'],
    ];
    for (const [label, change, message, missingFields] of cases) {
      it(label, async () => {
        const before = await snapshot();
        const { status, body } = await req('POST', '/api/admin/products', { body: change(valid()) });
        expect(status).to.equal(400);
        expect(body.status).to.equal('error');
        expect(body.message).to.equal(message);
        if (missingFields) expect(body.missingFields).to.deep.equal(missingFields);
        expect(await snapshot()).to.equal(before);
      });
    }

    it('wrong types, unknown fields and operator injection', async () => {
      const before = await snapshot();
      for (const b of [
        { ...valid(), price: '12' },
        { ...valid(), name: { $gt: '' } },
        { ...valid(), $set: { price: 1 } },
        { ...valid(), images: [{ alt: 'no url' }] },
        { ...valid(), occasions: ['graduation'] },
        { ...valid(), inventory: { stock: 1.5 } },
      ]) {
        const { status, body } = await req('POST', '/api/admin/products', { body: b });
        expect(status, JSON.stringify(b)).to.equal(400);
        expect(body.message).to.be.a('string').and.not.equal('');
      }
      expect(await snapshot()).to.equal(before);
    });
  });

  describe('GET and PUT /:id (rule 17)', () => {
    let id: string;
    before(async () => {
      id = (await req('POST', '/api/admin/products', { body: { ...valid(), name: 'Rule 17' } })).body.data
        .product._id;
    });

    it('GET /:id answers the stored data with the category populated; 404; 400', async () => {
      const { status, body } = await req('GET', `/api/admin/products/${id}`);
      expect(status).to.equal(200);
      expect(body.data.product).to.deep.include({ _id: id, name: 'Rule 17', price: 1299.5 });
      expect(body.data.product.category._id).to.equal(categoryId);
      expect(body.data.product.category.name).to.be.a('string');
      expect((await req('GET', '/api/admin/products/0123456789abcdef01234567')).status).to.equal(404);
      expect((await req('GET', '/api/admin/products/nope')).status).to.equal(400);
    });

    it('a partial update changes the given fields and keeps the rest', async () => {
      const before = (await repo.findById(id))!;
      const { status, body } = await req('PUT', `/api/admin/products/${id}`, {
        body: { name: '  Rule 17 Updated ', inventory: { stock: 3 } },
      });
      expect(status).to.equal(200);
      const p = body.data.product;
      expect(p.name).to.equal('Rule 17 Updated');
      expect(p.inventory.stock).to.equal(3);
      expect(p.description).to.equal(before.description);
      expect(p.price).to.equal(1299.5);
      expect(p.category._id ?? p.category).to.equal(categoryId);
      expect(p.tags).to.deep.equal(['test', 'admin']);
      const stored = (await repo.findById(id))!;
      expect([stored.name, stored.inventory.stock, stored.inventory.lowStockThreshold]).to.deep.equal([
        'Rule 17 Updated',
        3,
        before.inventory.lowStockThreshold,
      ]);
      const moved = await req('PUT', `/api/admin/products/${id}`, { body: { category: otherCategoryId } });
      expect(moved.body.data.product.category._id).to.equal(otherCategoryId);
    });

    it('a florist location is set, shown, refused out of range (400 naming the field) and cleared with null', async () => {
      const set = await req('PUT', `/api/admin/products/${id}`, {
        body: { location: { lat: 19.076, lng: 72.8777 } },
      });
      expect(set.status).to.equal(200);
      expect(set.body.data.product.location).to.deep.equal({ lat: 19.076, lng: 72.8777 });
      expect((await repo.findById(id))!.location).to.deep.equal({ lat: 19.076, lng: 72.8777 });
      expect((await req('GET', `/api/products/${id}`)).body.data.product.location).to.deep.equal({
        lat: 19.076,
        lng: 72.8777,
      });
      for (const location of [{ lat: 91, lng: 0 }, { lat: 0 }, { lat: 0, lng: 0, x: 1 }, 'Mumbai']) {
        const bad = await req('PUT', `/api/admin/products/${id}`, { body: { location } });
        expect(bad.status).to.equal(400);
        expect(bad.body.message).to.contain('body.location');
      }
      const cleared = await req('PUT', `/api/admin/products/${id}`, { body: { location: null } });
      expect(cleared.body.data.product).to.not.have.property('location');
      expect((await repo.findById(id))!).to.not.have.property('location');
    });

    it('invalid updates change nothing', async () => {
      for (const [body, message] of [
        [{ price: 0 }, 'Price must be greater than 0'],
        [{ inventory: { stock: -2 } }, 'Inventory stock cannot be negative'],
        [{ category: 'bad' }, 'Invalid category ID'],
        [{ category: '0123456789abcdef01234567' }, 'Invalid category ID'],
      ] as const) {
        const before = await snapshot();
        const res = await req('PUT', `/api/admin/products/${id}`, { body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body).to.include({ status: 'error', message });
        expect(await snapshot()).to.equal(before);
      }
      expect(
        (await req('PUT', `/api/admin/products/0123456789abcdef01234567`, { body: { name: 'x' } })).status,
      ).to.equal(404);
      expect((await req('PUT', `/api/admin/products/${id}`, { body: { name: { $ne: 1 } } })).status).to.equal(
        400,
      );
    });
  });

  describe('PUT /bulk-update (rule 18)', () => {
    let ids: string[];
    before(async () => {
      ids = [];
      for (const name of ['Bulk A', 'Bulk B', 'Bulk C']) {
        ids.push(
          (await req('POST', '/api/admin/products', { body: { ...valid(), name } })).body.data.product._id,
        );
      }
    });
    const bulk = (body: unknown, headers?: Record<string, string>) =>
      req('PUT', '/api/admin/products/bulk-update', { body, ...(headers ? { headers } : {}) });

    it('without X-Admin-Confirmation: 400 requiresConfirmation and nothing changes', async () => {
      const before = await snapshot();
      const res = await bulk({ productIds: ids, updates: { isFeatured: true } });
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ status: 'error', requiresConfirmation: true });
      const wrong = await bulk(
        { productIds: ids, updates: { isFeatured: true } },
        { 'x-admin-confirmation': 'yes' },
      );
      expect(wrong.status).to.equal(400);
      expect(await snapshot()).to.equal(before);
    });

    it('confirmed: modifiedCount = number of products and each shows the updates', async () => {
      const res = await bulk(
        { productIds: ids, updates: { isFeatured: true, isPopular: true, price: 1999 } },
        CONFIRMED,
      );
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('success');
      expect(res.body.data).to.deep.equal({ matchedCount: 3, modifiedCount: 3 });
      for (const id of ids) {
        const p = (await req('GET', `/api/admin/products/${id}`)).body.data.product;
        expect([p.isFeatured, p.isPopular, p.price]).to.deep.equal([true, true, 1999]);
      }
      const logs = (await req('GET', '/api/admin/activity-logs?limit=5')).body.data.activities;
      expect(logs.some((l: any) => l.action === 'bulk_update' && l.success === true)).to.equal(true);
    });

    it('invalid bulk updates: 4xx and nothing changes', async () => {
      const before = await snapshot();
      for (const body of [
        { productIds: ids, updates: { price: 0 } },
        { productIds: ids, updates: { inventory: { stock: -1 } } },
        { productIds: ids, updates: { category: 'bad' } },
        { productIds: ids, updates: {} },
        { productIds: [], updates: { isFeatured: false } },
        { productIds: ['nope'], updates: { isFeatured: false } },
        { productIds: ids, updates: { isFeatured: false, $inc: { price: 1 } } },
        { productIds: ids },
        { productIds: { $in: ids }, updates: { isFeatured: false } },
      ]) {
        const res = await bulk(body, CONFIRMED);
        expect(res.status, JSON.stringify(body)).to.be.within(400, 499);
        expect(res.body.status).to.equal('error');
        expect(res.body.message).to.be.a('string').and.not.equal('');
      }
      expect(await snapshot()).to.equal(before);
    });
  });

  describe('DELETE /:id', () => {
    it('needs confirmation, then deletes; 404 afterwards', async () => {
      const id = (await req('POST', '/api/admin/products', { body: { ...valid(), name: 'Doomed' } })).body
        .data.product._id;
      const unconfirmed = await req('DELETE', `/api/admin/products/${id}`);
      expect(unconfirmed.status).to.equal(400);
      expect(unconfirmed.body.requiresConfirmation).to.equal(true);
      expect(await repo.findById(id)).to.not.equal(null);
      const done = await req('DELETE', `/api/admin/products/${id}`, { headers: CONFIRMED });
      expect(done.status).to.equal(200);
      expect(done.body).to.deep.include({ status: 'success', data: null });
      expect(await repo.findById(id)).to.equal(null);
      expect((await req('DELETE', `/api/admin/products/${id}`, { headers: CONFIRMED })).status).to.equal(404);
      expect((await req('DELETE', '/api/admin/products/xyz', { headers: CONFIRMED })).status).to.equal(400);
    });
  });
});
