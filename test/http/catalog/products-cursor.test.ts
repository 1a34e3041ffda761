import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { aProduct, FIXED_NOW } from '../../support/kit.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

describe('http/catalog GET /products with a cursor (beside page/limit)', () => {
  let t: TestApp;
  let repo: ProductRepository;

  const get = async (url: string) => {
    const res = await t.request({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() };
  };

  /** Every id of a cursor walk of `url` (no cursor param in it), page by page. */
  async function walk(url: string, between?: (page: number) => Promise<void>): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor = '';
    for (let n = 0; n < 100; n++) {
      const { status, body } = await get(`${url}&cursor=${cursor}`);
      expect(status, JSON.stringify(body)).to.equal(200);
      pages.push(body.data.products.map((p: any) => p._id));
      if (body.nextCursor === null) return pages;
      expect(body.nextCursor).to.match(/^[A-Za-z0-9_-]+$/);
      cursor = body.nextCursor;
      if (between) await between(n);
    }
    throw new Error('the walk did not end');
  }

  before(async () => {
    t = await buildTestApp();
    repo = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    // 23 products of one price and one creation time: only the id tells them apart.
    for (let i = 0; i < 23; i++) {
      await repo.create(aProduct({ name: `Cursorwalk ${i}`, price: 4200, createdAt: FIXED_NOW }));
    }
  });
  after(async () => {
    await t.close();
  });

  it('walks equal sort keys by id, each product exactly once, in every sort', async () => {
    const ids = (await get('/api/products?q=cursorwalk&limit=100')).body.data.products.map((p: any) => p._id);
    expect(ids).to.have.length(23);
    for (const sort of ['-createdAt', 'price', '-price', 'rating', 'popularity']) {
      const pages = await walk(`/api/products?q=cursorwalk&sort=${sort}&limit=5`);
      expect(pages.map((p) => p.length)).to.deep.equal([5, 5, 5, 5, 3]);
      expect(pages.flat(), sort).to.deep.equal([...ids].sort());
    }
  });

  it('answers the same order as page/limit over the whole catalog', async () => {
    for (const sort of ['price', 'rating', 'popularity', '-createdAt']) {
      const paged = (await get(`/api/products?sort=${sort}&limit=100`)).body.data.products.map(
        (p: any) => p._id,
      );
      expect((await walk(`/api/products?sort=${sort}&limit=9`)).flat(), sort).to.deep.equal(paged);
    }
  });

  it('is stable under inserts: products inserted before the position do not shift later pages', async () => {
    const before = (await get('/api/products?q=cursorwalk&sort=-createdAt&limit=100')).body.data.products.map(
      (p: any) => p._id,
    );
    const inserted: string[] = [];
    const pages = await walk('/api/products?q=cursorwalk&sort=-createdAt&limit=4', async (n) => {
      // Newer than everything: they sort before the cursor's position.
      const p = aProduct({
        name: `Cursorwalk new ${n}`,
        createdAt: new Date(FIXED_NOW.getTime() + 1000 + n),
      });
      inserted.push(p.id);
      await repo.create(p);
    });
    expect(pages.flat()).to.deep.equal(before);
    for (const id of inserted) expect(pages.flat()).not.to.include(id);
  });

  it('leaves the page/limit answer as it was (no nextCursor), and serves /api/api alike', async () => {
    const plain = (await get('/api/products?limit=3')).body;
    expect(plain).not.to.have.property('nextCursor');
    expect(plain.pagination.page).to.equal(1);
    const first = (await get('/api/api/products?limit=3&cursor=')).body;
    expect(first.nextCursor).to.be.a('string');
    expect(first.pagination).to.deep.equal({
      page: 0,
      limit: 3,
      total: plain.pagination.total,
      pages: plain.pagination.pages,
    });
    expect(first.data.products.map((p: any) => p._id)).to.deep.equal(
      plain.data.products.map((p: any) => p._id),
    );
  });

  it('400 INVALID_CURSOR for a tampered cursor or one made for another sort or filter', async () => {
    const { body } = await get('/api/products?q=cursorwalk&sort=price&limit=2&cursor=');
    const cursor: string = body.nextCursor;
    const flipped = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
    const refused = [
      `/api/products?q=cursorwalk&sort=price&limit=2&cursor=${flipped}`,
      `/api/products?q=cursorwalk&sort=price&limit=2&cursor=${cursor.slice(0, -3)}`,
      '/api/products?q=cursorwalk&sort=price&limit=2&cursor=bm90LWEtY3Vyc29y',
      `/api/products?q=cursorwalk&sort=rating&limit=2&cursor=${cursor}`,
      `/api/products?q=other&sort=price&limit=2&cursor=${cursor}`,
      `/api/products?sort=price&limit=2&cursor=${cursor}`,
    ];
    for (const url of refused) {
      const res = await get(url);
      expect(res.status, url).to.equal(400);
      expect(res.body.code, url).to.equal('INVALID_CURSOR');
      expect(res.body.message).to.match(/cursor/i);
    }
    // The limit may change between pages; the sort and filters may not.
    expect((await get(`/api/products?q=cursorwalk&sort=price&limit=7&cursor=${cursor}`)).status).to.equal(
      200,
    );
  });

  it('400 naming the field for page with cursor, and for a cursor that is not base64url', async () => {
    const both = await get('/api/products?page=1&cursor=');
    expect(both.status).to.equal(400);
    expect(JSON.stringify(both.body)).to.include('cursor');
    const bad = await get('/api/products?cursor=a%2Bb');
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body)).to.include('cursor');
  });
});
