import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

describe('http/catalog public product routes', () => {
  let t: TestApp;
  let repo: ProductRepository;
  let adminToken: string;
  let shopperToken: string;
  let all: any[];

  const get = async (url: string, token?: string) => {
    const res = await t.request({ method: 'GET', url, ...(token ? { token } : {}) });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    t = await buildTestApp();
    repo = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    adminToken = await loginAdmin(t);
    shopperToken = (await registerUser(t)).token;
    all = (await get('/api/products?limit=100')).body.data.products;
  });
  after(async () => {
    await t.close();
  });

  describe('GET /products', () => {
    it('answers the first page of 12, newest first, with pagination and populated categories', async () => {
      const { status, body } = await get('/api/products');
      expect(status).to.equal(200);
      expect(body.status).to.equal('success');
      expect(body.count).to.equal(12);
      const total = all.length;
      expect(total).to.be.at.least(30);
      expect(body.pagination).to.deep.equal({
        page: 1,
        limit: 12,
        total,
        pages: Math.ceil(total / 12),
        next: { page: 2, limit: 12 },
      });
      const times = body.data.products.map((p: any) => Date.parse(p.createdAt));
      expect([...times].sort((a, b) => b - a)).to.deep.equal(times);
      for (const p of body.data.products) {
        expect(p.category).to.be.an('object');
        expect(p.category._id).to.match(/^[0-9a-f]{24}$/);
        expect(p.category.name).to.be.a('string');
        expect(p.price).to.be.a('number');
      }
    });

    it('pages with next and prev', async () => {
      const { body } = await get('/api/products?page=2&limit=5');
      expect(body.count).to.equal(5);
      expect(body.pagination.prev).to.deep.equal({ page: 1, limit: 5 });
      expect(body.pagination.next).to.deep.equal({ page: 3, limit: 5 });
      expect(body.data.products.map((p: any) => p._id)).to.deep.equal(all.slice(5, 10).map((p) => p._id));
      const last = (await get(`/api/products?page=${Math.ceil(all.length / 5)}&limit=5`)).body;
      expect(last.pagination.next).to.equal(undefined);
      const beyond = (await get('/api/products?page=99&limit=5')).body;
      expect(beyond.count).to.equal(0);
    });

    it('filters by occasion, flower type, colour, stock and price (major units)', async () => {
      const wedding = (await get('/api/products?occasion=wedding&limit=100')).body.data.products;
      expect(wedding.length).to.equal(all.filter((p) => p.occasions.includes('wedding')).length);
      expect(wedding.length).to.be.greaterThan(0);
      for (const p of wedding) expect(p.occasions).to.include('wedding');
      const tulips = (await get('/api/products?flowerType=tulips&color=pink&limit=100')).body.data.products;
      expect(tulips.length).to.be.greaterThan(0);
      for (const p of tulips)
        expect([p.flowerTypes, p.colors]).to.satisfy(
          ([f, c]: string[][]) => f!.includes('tulips') && c!.includes('pink'),
        );
      const ranged = (await get('/api/products?minPrice=1000&maxPrice=1500&limit=100')).body.data.products;
      expect(ranged.length).to.equal(all.filter((p) => p.price >= 1000 && p.price <= 1500).length);
      for (const p of ranged) expect(p.price).to.be.within(1000, 1500);
      const out = (await get('/api/products?inStock=false&limit=100')).body.data.products;
      expect(out.length).to.be.at.least(1);
      for (const p of out) expect(p.inStock).to.equal(false);
      const inStock = (await get('/api/products?inStock=true&limit=100')).body;
      expect(inStock.pagination.total + out.length).to.equal(all.length);
    });

    it('filters by category slug or id, a parent including its children', async () => {
      const roses = (await get('/api/products?category=roses&limit=100')).body.data.products;
      expect(roses.length).to.be.greaterThan(0);
      const rosesId = roses[0].category._id;
      for (const p of roses) expect(p.category.seo.slug).to.equal('roses');
      const byId = (await get(`/api/products?category=${rosesId}&limit=100`)).body.data.products;
      expect(byId.map((p: any) => p._id)).to.deep.equal(roses.map((p: any) => p._id));
      const bouquets = (await get('/api/products?category=bouquets&limit=100')).body.data.products;
      const slugs = new Set(bouquets.map((p: any) => p.category.seo.slug));
      expect([...slugs].sort()).to.deep.equal(['bouquets', 'roses', 'seasonal-specials']);
      const none = (await get('/api/products?category=no-such-thing')).body;
      expect([none.count, none.pagination.total]).to.deep.equal([0, 0]);
    });

    it('matches text case-insensitively over name, description, tags, types and occasions (q or search)', async () => {
      const q = (await get('/api/products?q=TULIP&limit=100')).body.data.products;
      const search = (await get('/api/products?search=tulip&limit=100')).body.data.products;
      expect(q.map((p: any) => p._id)).to.deep.equal(search.map((p: any) => p._id));
      const expected = all.filter((p) =>
        [p.name, p.description, ...p.tags, ...p.flowerTypes, ...p.occasions].some((s: string) =>
          s.toLowerCase().includes('tulip'),
        ),
      );
      expect(q.length).to.equal(expected.length);
      const sympathy = (await get('/api/products?q=sympathy&limit=100')).body.data.products;
      for (const p of sympathy) expect(p.occasions).to.include('sympathy');
    });

    it('sorts by price, rating and popularity', async () => {
      const asc = (await get('/api/products?sort=price-asc&limit=100')).body.data.products.map(
        (p: any) => p.price,
      );
      expect(asc).to.deep.equal([...asc].sort((a, b) => a - b));
      const desc = (await get('/api/products?sort=price-desc&limit=100')).body.data.products.map(
        (p: any) => p.price,
      );
      expect(desc).to.deep.equal([...asc].reverse());
      expect(desc[0]).to.equal(Math.max(...asc));
      const legacy = (await get('/api/products?sort=-price&limit=100')).body.data.products.map(
        (p: any) => p.price,
      );
      expect(legacy).to.deep.equal(desc);
      const rating = (await get('/api/products?sort=rating&limit=100')).body.data.products.map(
        (p: any) => p.ratings.average,
      );
      expect(rating).to.deep.equal([...rating].sort((a, b) => b - a));
      const popular = (await get('/api/products?sort=popularity&limit=100')).body.data.products;
      const sales = await Promise.all(
        popular.map(async (p: any) => (await repo.findById(p._id))!.salesCount),
      );
      expect(sales).to.deep.equal([...sales].sort((a, b) => b - a));
    });

    it('projects fields, always keeping _id', async () => {
      const { body } = await get('/api/products?fields=name,price&limit=3');
      for (const p of body.data.products)
        expect(Object.keys(p).sort()).to.deep.equal(['_id', 'name', 'price']);
      const dropped = (await get('/api/products?fields=-description,-images&limit=2')).body.data.products;
      for (const p of dropped) {
        expect(p).to.not.have.property('description');
        expect(p).to.not.have.property('images');
        expect(p.name).to.be.a('string');
      }
      const nested = (await get('/api/products?fields=inventory.stock&limit=1')).body.data.products[0];
      expect(Object.keys(nested).sort()).to.deep.equal(['_id', 'inventory']);
    });

    const bad = [
      'limit=0',
      'limit=101',
      'page=0',
      'sort=cheapest',
      'occasion=graduation',
      'color=blue',
      'minPrice=abc',
      'minPrice=-1',
      'minPrice=50&maxPrice=10',
      'unknown=1',
      'price[$gt]=0',
      'category[$ne]=x',
      `category=${encodeURIComponent('{"$gt":""}')}`,
      'fields=na$me',
      'occasion=birthday&occasion=wedding',
    ];
    for (const query of bad) {
      it(`400 for ?${query}`, async () => {
        const { status, body } = await get(`/api/products?${query}`);
        expect(status).to.equal(400);
        expect(body.status).to.equal('error');
        expect(body.message).to.be.a('string').and.not.equal('');
      });
    }

    it('ignores a bad token on a public route (compat 0.3)', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/api/products?limit=1',
        headers: { authorization: 'Bearer garbage' },
      });
      expect(res.statusCode).to.equal(200);
    });
  });

  describe('GET /products/search', () => {
    it('answers every match without paging, sorted as asked', async () => {
      const { status, body } = await get('/api/products/search?q=rose&sort=price');
      expect(status).to.equal(200);
      expect(body).to.not.have.property('pagination');
      expect(body.count).to.equal(body.data.products.length);
      expect(body.count).to.be.greaterThan(12);
      const prices = body.data.products.map((p: any) => p.price);
      expect(prices).to.deep.equal([...prices].sort((a, b) => a - b));
      for (const p of body.data.products) {
        expect([p.name, p.description, ...p.tags, ...p.flowerTypes].join(' ').toLowerCase()).to.include(
          'rose',
        );
        expect(p.category).to.be.an('object');
      }
      const desc = (await get('/api/products/search?q=rose&sort=price-desc')).body.data.products.map(
        (p: any) => p.price,
      );
      expect(desc).to.deep.equal([...prices].reverse());
    });

    it('combines filters; 400 on unknown keys', async () => {
      const { body } = await get('/api/products/search?occasion=anniversary&maxPrice=2000&sort=rating');
      for (const p of body.data.products) {
        expect(p.occasions).to.include('anniversary');
        expect(p.price).to.be.at.most(2000);
      }
      const ratings = body.data.products.map((p: any) => p.ratings.average);
      expect(ratings).to.deep.equal([...ratings].sort((a, b) => b - a));
      expect((await get('/api/products/search?page=2')).status).to.equal(400);
      expect((await get('/api/products/search?q[$regex]=.*')).status).to.equal(400);
    });
  });

  describe('featured, popular, suggested', () => {
    it('GET /products/featured: featured only, up to 8, category populated', async () => {
      const { status, body } = await get('/api/products/featured');
      expect(status).to.equal(200);
      expect(body.count).to.equal(Math.min(8, all.filter((p) => p.isFeatured).length));
      for (const p of body.data.products) {
        expect(p.isFeatured).to.equal(true);
        expect(p.category.name).to.be.a('string');
      }
      expect((await get('/api/products/featured?limit=2')).body.count).to.equal(2);
    });

    it('GET /products/popular: popular only, best rated first, limit', async () => {
      const { body } = await get('/api/products/popular');
      expect(body.count).to.equal(Math.min(8, all.filter((p) => p.isPopular).length));
      const ratings = body.data.products.map((p: any) => p.ratings.average);
      expect(ratings).to.deep.equal([...ratings].sort((a, b) => b - a));
      for (const p of body.data.products) expect([p.isPopular, p.popular]).to.deep.equal([true, true]);
      expect((await get('/api/products/popular?limit=3')).body.count).to.equal(3);
      expect((await get('/api/products/popular?limit=0')).status).to.equal(400);
    });

    it('GET /products/suggested (compat 2.1) under /api and /api/api alike', async () => {
      const a = await get('/api/products/suggested');
      const b = await get('/api/api/products/suggested');
      expect(a.status).to.equal(200);
      expect(b.status).to.equal(200);
      expect(b.body).to.deep.equal(a.body);
      const products = a.body.data.products;
      expect(a.body.status).to.equal('success');
      expect(a.body.count).to.equal(8);
      expect(products).to.have.length(8);
      const scores = products.map((p: any) => p.suggestionScore);
      expect(scores).to.deep.equal([...scores].sort((x, y) => y - x));
      for (const p of products) {
        const expected =
          (p.isPopular ? 10 : 0) +
          (p.isFeatured ? 5 : 0) +
          2 * p.ratings.average +
          (p.ratings.count >= 5 ? 3 : 0);
        expect(p.suggestionScore).to.be.closeTo(expected, 1e-9);
        expect(p.inStock).to.equal(true);
        expect(p.inventory.stock).to.be.greaterThan(0);
        expect(p.category).to.be.an('object');
        expect(p.category._id).to.be.a('string');
        expect(p.rating).to.equal(p.ratings.average);
        expect(p.color === undefined || typeof p.color === 'string').to.equal(true);
      }
      // the best-scored in-stock product of the whole catalog comes first
      const best = Math.max(
        ...all
          .filter((p) => p.inStock)
          .map(
            (p) =>
              (p.isPopular ? 10 : 0) +
              (p.isFeatured ? 5 : 0) +
              2 * p.ratings.average +
              (p.ratings.count >= 5 ? 3 : 0),
          ),
      );
      expect(scores[0]).to.be.closeTo(best, 1e-9);
      expect((await get('/api/products/suggested?limit=3')).body.count).to.equal(3);
    });
  });

  describe('GET /products/:id', () => {
    it('answers the product with its category populated', async () => {
      const id = all[3]._id;
      const { status, body } = await get(`/api/products/${id}`);
      expect(status).to.equal(200);
      expect(body.data.product._id).to.equal(id);
      expect(body.data.product.category._id).to.equal(all[3].category._id);
      expect(body.data.product.reviews).to.deep.equal([]);
      expect((await get(`/api/api/products/${id}`)).body).to.deep.equal(body);
    });

    it('404 Product not found; 400 on a malformed id', async () => {
      const missing = await get('/api/products/0123456789abcdef01234567');
      expect(missing.status).to.equal(404);
      expect(missing.body).to.include({ status: 'error', message: 'Product not found' });
      for (const id of ['abc', '0123456789ABCDEF01234567', '%7B%22%24gt%22%3A%22%22%7D']) {
        expect((await get(`/api/products/${id}`)).status, id).to.equal(400);
      }
    });
  });

  describe('admin writes under /products', () => {
    let categoryId: string;
    before(() => {
      categoryId = all[0].category._id;
    });
    const body = () => ({
      name: 'Public Route Bouquet',
      description: 'desc',
      price: 999,
      category: categoryId,
    });

    it('401 without a token, 403 for a shopper, and nothing is created', async () => {
      const anon = await t.request({ method: 'POST', url: '/api/products', body: body() });
      expect(anon.statusCode).to.equal(401);
      expect(anon.json().message).to.contain('Not authorized');
      const shopper = await t.request({
        method: 'POST',
        url: '/api/products',
        token: shopperToken,
        body: body(),
      });
      expect(shopper.statusCode).to.equal(403);
      expect(shopper.json().status).to.equal('error');
      for (const method of ['PUT', 'DELETE'] as const) {
        const res = await t.request({
          method,
          url: `/api/products/${all[0]._id}`,
          token: shopperToken,
          body: { name: 'x' },
        });
        expect(res.statusCode, method).to.equal(403);
      }
      expect((await repo.all()).length).to.equal(all.length);
    });

    it('creates (201), updates and deletes (data: null) as admin', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/products',
        token: adminToken,
        body: body(),
      });
      expect(created.statusCode).to.equal(201);
      const product = created.json().data.product;
      expect(product).to.include({ name: 'Public Route Bouquet', price: 999, category: categoryId });
      const updated = await t.request({
        method: 'PUT',
        url: `/api/products/${product._id}`,
        token: adminToken,
        body: { price: 1099.5, isFeatured: true },
      });
      expect(updated.statusCode).to.equal(200);
      expect(updated.json().data.product).to.include({
        price: 1099.5,
        isFeatured: true,
        name: 'Public Route Bouquet',
      });
      expect((await repo.findById(product._id))!.price).to.equal(109950);
      const deleted = await t.request({
        method: 'DELETE',
        url: `/api/products/${product._id}`,
        token: adminToken,
      });
      expect(deleted.statusCode).to.equal(200);
      expect(deleted.json()).to.deep.include({ status: 'success', data: null });
      expect((await get(`/api/products/${product._id}`)).status).to.equal(404);
      const again = await t.request({
        method: 'DELETE',
        url: `/api/products/${product._id}`,
        token: adminToken,
      });
      expect(again.statusCode).to.equal(404);
    });

    it('answers 400 to operator injection and unknown fields in bodies', async () => {
      const bodies = [
        { ...body(), name: { $gt: '' } },
        { ...body(), category: { $ne: null } },
        { ...body(), $where: 'sleep(1000)' },
        { ...body(), price: '999' },
        { ...body(), inventory: { stock: { $gt: 0 } } },
      ];
      for (const b of bodies) {
        const res = await t.request({ method: 'POST', url: '/api/products', token: adminToken, body: b });
        expect(res.statusCode, JSON.stringify(b)).to.equal(400);
        expect(res.json().status).to.equal('error');
      }
      expect((await repo.all()).length).to.equal(all.length);
    });
  });
});
