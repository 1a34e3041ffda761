import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { aProduct } from '../../support/kit.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

describe('http/catalog category routes', () => {
  let t: TestApp;
  let adminToken: string;
  let shopperToken: string;

  const req = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    token?: string,
  ) => {
    const res = await t.request({
      method,
      url,
      ...(body !== undefined ? { body } : {}),
      ...(token ? { token } : {}),
    });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    t = await buildTestApp();
    adminToken = await loginAdmin(t);
    shopperToken = (await registerUser(t)).token;
  });
  after(async () => {
    await t.close();
  });

  it('GET /categories: active ones by displayOrder, parent populated with its name', async () => {
    const { status, body } = await req('GET', '/api/categories');
    expect(status).to.equal(200);
    expect(body.status).to.equal('success');
    const cats = body.data.categories;
    expect(body.count).to.equal(cats.length);
    expect(cats.length).to.be.at.least(5);
    const orders = cats.map((c: any) => c.displayOrder);
    expect(orders).to.deep.equal([...orders].sort((a, b) => a - b));
    for (const c of cats) expect(c.isActive).to.equal(true);
    const roses = cats.find((c: any) => c.seo.slug === 'roses');
    const bouquets = cats.find((c: any) => c.seo.slug === 'bouquets');
    expect(roses.parentCategory).to.deep.equal({ _id: bouquets._id, name: 'Bouquets' });
    expect(bouquets.parentCategory).to.equal(null);
    expect((await req('GET', '/api/api/categories')).body).to.deep.equal(body);
  });

  it('GET /categories/tree nests children', async () => {
    const { status, body } = await req('GET', '/api/categories/tree');
    expect(status).to.equal(200);
    const bouquets = body.data.categories.find((c: any) => c.seo.slug === 'bouquets');
    expect(bouquets.children.map((c: any) => c.seo.slug).sort()).to.deep.equal([
      'roses',
      'seasonal-specials',
    ]);
    expect(body.data.categories.some((c: any) => c.seo.slug === 'roses')).to.equal(false);
    for (const child of bouquets.children) expect(child.children).to.deep.equal([]);
  });

  it('GET /categories/:id by id or slug; 404 Category not found; 400 on a malformed key', async () => {
    const bySlug = await req('GET', '/api/categories/roses');
    expect(bySlug.status).to.equal(200);
    expect(bySlug.body.data.category.name).to.equal('Rose Collection');
    const byId = await req('GET', `/api/categories/${bySlug.body.data.category._id}`);
    expect(byId.body).to.deep.equal(bySlug.body);
    const missing = await req('GET', '/api/categories/0123456789abcdef01234567');
    expect(missing.status).to.equal(404);
    expect(missing.body).to.include({ status: 'error', message: 'Category not found' });
    expect((await req('GET', '/api/categories/no-such-slug')).status).to.equal(404);
    expect((await req('GET', `/api/categories/${encodeURIComponent('{"$gt":""}')}`)).status).to.equal(400);
  });

  it('admin only writes: 401 without token, 403 for shoppers', async () => {
    const anon = await req('POST', '/api/categories', { name: 'Nope' });
    expect(anon.status).to.equal(401);
    const shopper = await req('POST', '/api/categories', { name: 'Nope' }, shopperToken);
    expect(shopper.status).to.equal(403);
    expect((await req('GET', '/api/categories/nope')).status).to.equal(404);
  });

  it('creates (201, slug derived), refuses duplicates, updates, hides inactive, deletes', async () => {
    const created = await req(
      'POST',
      '/api/categories',
      { name: ' Get Well Soon! ', displayOrder: 99 },
      adminToken,
    );
    expect(created.status).to.equal(201);
    const cat = created.body.data.category;
    expect(cat).to.deep.include({
      name: 'Get Well Soon!',
      isActive: true,
      displayOrder: 99,
      parentCategory: null,
    });
    expect(cat.seo.slug).to.equal('get-well-soon');
    const dup = await req('POST', '/api/categories', { name: 'get well soon!' }, adminToken);
    expect(dup.status).to.equal(409);
    expect(dup.body.code).to.equal('CATEGORY_NAME_TAKEN');
    const badParent = await req(
      'POST',
      '/api/categories',
      { name: 'Orphan', parentCategory: 'xyz' },
      adminToken,
    );
    expect(badParent.status).to.equal(400);
    const tooLong = await req('POST', '/api/categories', { name: 'x'.repeat(51) }, adminToken);
    expect(tooLong.status).to.equal(400);
    const injected = await req('POST', '/api/categories', { name: { $gt: '' } }, adminToken);
    expect(injected.status).to.equal(400);

    const renamed = await req(
      'PUT',
      `/api/categories/${cat._id}`,
      { name: 'Get Well', isActive: false },
      adminToken,
    );
    expect(renamed.status).to.equal(200);
    expect(renamed.body.data.category).to.deep.include({ name: 'Get Well', isActive: false });
    const listed = (await req('GET', '/api/categories')).body.data.categories.map((c: any) => c._id);
    expect(listed).to.not.include(cat._id);
    expect((await req('PUT', '/api/categories/abc', { name: 'x' }, adminToken)).status).to.equal(400);
    expect((await req('PUT', `/api/categories/${cat._id}`, {}, adminToken)).status).to.equal(400);

    const deleted = await req('DELETE', `/api/categories/${cat._id}`, undefined, adminToken);
    expect(deleted.status).to.equal(200);
    expect(deleted.body).to.deep.include({ status: 'success', data: null });
    expect((await req('GET', `/api/categories/${cat._id}`)).status).to.equal(404);
  });

  it('refuses to delete a category with products or subcategories (CATEGORY_IN_USE)', async () => {
    const bouquets = (await req('GET', '/api/categories/bouquets')).body.data.category;
    const withChildren = await req('DELETE', `/api/categories/${bouquets._id}`, undefined, adminToken);
    expect(withChildren.status).to.equal(409);
    expect(withChildren.body.code).to.equal('CATEGORY_IN_USE');
    const fresh = (await req('POST', '/api/categories', { name: 'Temporary' }, adminToken)).body.data
      .category;
    await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).create(aProduct({ categoryId: fresh._id }));
    const withProducts = await req('DELETE', `/api/categories/${fresh._id}`, undefined, adminToken);
    expect(withProducts.status).to.equal(409);
    expect((await req('GET', `/api/categories/${fresh._id}`)).status).to.equal(200);
  });
});
