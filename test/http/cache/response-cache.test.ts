import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import sinon from 'sinon';
import { METRICS, type Metrics } from '../../../application/shared/metrics.js';
import { ListProducts } from '../../../application/catalog/product-queries.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { PRODUCT_VIEWS, type ProductViews } from '../../../application/discovery/ports.js';
import { RESPONSE_CACHE_CONTROL } from '../../../adapters/http/response-cache.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';

/** Counts the list use case's runs (the routes hold the same bound instance), each slowed a little. */
function countListRuns(t: TestApp): { readonly runs: number } {
  const useCase = t.container.get(ListProducts);
  const inner = useCase.execute.bind(useCase);
  const counter = { runs: 0 };
  useCase.execute = async (input) => {
    counter.runs += 1;
    await new Promise((r) => setTimeout(r, 20));
    return inner(input);
  };
  return counter;
}

describe('http/cache: the response cache (embedded default)', () => {
  let t: TestApp;
  let admin: string;
  let id: string;
  let counter: { readonly runs: number };

  before(async () => {
    t = await buildTestApp();
    admin = await loginAdmin(t);
    id = (await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).all())[0]!.id;
    counter = countListRuns(t);
  });
  after(async () => {
    await t.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.request({ method: 'GET', url, headers });

  it('a hit serves the identical bytes without running the use case again', async () => {
    const before = counter.runs;
    const first = await get('/api/products?limit=3&page=1');
    const second = await get('/api/products?limit=3&page=1');
    expect(first.statusCode).to.equal(200);
    expect(second.rawPayload.equals(first.rawPayload)).to.equal(true);
    expect(second.headers['content-type']).to.equal(first.headers['content-type']);
    expect(second.headers.etag).to.equal(first.headers.etag);
    expect(second.headers['cache-control']).to.equal(RESPONSE_CACHE_CONTROL);
    expect(second.headers.vary).to.match(/accept-encoding/i);
    expect(counter.runs - before).to.equal(1);
  });

  it('a hit answers the headers the miss did (Vary names Origin and Accept-Encoding once each)', async () => {
    const url = `/api/products/${id}?fields=name`;
    const headers = { origin: 'http://localhost:5173' };
    const miss = await get(url, headers);
    const hit = await get(url, headers);
    const perRequest = new Set(['x-request-id', 'date']);
    const kept = (res: typeof miss) =>
      Object.fromEntries(Object.entries(res.headers).filter(([name]) => !perRequest.has(name)));
    expect(kept(hit)).to.deep.equal(kept(miss));
    expect(String(hit.headers.vary).toLowerCase().split(/,\s*/).sort()).to.deep.equal([
      'accept-encoding',
      'origin',
    ]);
    expect(hit.headers['access-control-allow-origin']).to.equal('http://localhost:5173');
  });

  it('the same query with its parameters in another order (and under /api/api) hits the same entry', async () => {
    const before = counter.runs;
    const a = await get('/api/products?limit=4&sort=price&page=1');
    const b = await get('/api/products?page=1&sort=price&limit=4');
    const c = await get('/api/api/products?sort=price&page=1&limit=4');
    expect(b.body).to.equal(a.body);
    expect(c.body).to.equal(a.body);
    expect(counter.runs - before).to.equal(1);
  });

  it('20 parallel requests for a cold key compute it once and all get the same bytes', async () => {
    const before = counter.runs;
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/api/products?limit=5&page=2')));
    expect(counter.runs - before).to.equal(1);
    for (const res of answers) {
      expect(res.statusCode).to.equal(200);
      expect(res.body).to.equal(answers[0]!.body);
    }
  });

  it('If-None-Match with the ETag answers 304 without a body', async () => {
    const first = await get('/api/products?limit=2');
    const etag = first.headers.etag as string;
    expect(etag).to.match(/^"[^"]+"$/); // strong
    const again = await get('/api/products?limit=2', { 'if-none-match': etag });
    expect(again.statusCode).to.equal(304);
    expect(again.body).to.equal('');
    expect((await get('/api/products?limit=2', { 'if-none-match': '"other"' })).statusCode).to.equal(200);
  });

  it('gzip and brotli variants decode to the same JSON, with their own ETags, never compressed twice', async () => {
    const plain = await get('/api/products?limit=24');
    const gz = await get('/api/products?limit=24', { 'accept-encoding': 'gzip' });
    const br = await get('/api/products?limit=24', { 'accept-encoding': 'gzip, br' });
    const nobr = await get('/api/products?limit=24', { 'accept-encoding': 'br;q=0, gzip' });
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(br.headers['content-encoding']).to.equal('br');
    expect(nobr.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).to.equal(plain.body);
    expect(brotliDecompressSync(br.rawPayload).toString()).to.equal(plain.body);
    expect(new Set([plain.headers.etag, gz.headers.etag, br.headers.etag]).size).to.equal(3);
    const revalidated = await get('/api/products?limit=24', {
      'accept-encoding': 'br',
      'if-none-match': br.headers.etag as string,
    });
    expect(revalidated.statusCode).to.equal(304);
  });

  it('every opted-in catalog read is cached (second answer carries the same ETag), categories too', async () => {
    for (const url of [
      `/api/products/${id}`,
      '/api/products/featured',
      '/api/products/popular',
      '/api/products/suggested',
      '/api/products/search?q=rose',
      '/api/categories',
      '/api/categories/tree',
    ]) {
      const a = await get(url);
      const b = await get(url, { 'if-none-match': a.headers.etag as string });
      expect(a.statusCode, url).to.equal(200);
      expect(b.statusCode, url).to.equal(304);
    }
  });

  it('an admin price change is served at once (the next read misses and shows it)', async () => {
    const detail = async () => (await get(`/api/products/${id}`)).json().data.product.price as number;
    const listed = async () =>
      (await get('/api/products?limit=100')).json().data.products.find((p: { _id: string }) => p._id === id)
        .price as number;
    await detail();
    await listed();
    const res = await t.request({
      method: 'PUT',
      url: `/api/admin/products/${id}`,
      token: admin,
      body: { price: 1234.5 },
    });
    expect(res.statusCode).to.equal(200);
    expect(await detail()).to.equal(1234.5);
    expect(await listed()).to.equal(1234.5);
  });

  it('a product page served from the cache still counts as a view, every time', async () => {
    const views = t.container.get<ProductViews>(PRODUCT_VIEWS);
    const counted = async () =>
      (await views.since('2000-01-01'))
        .filter((v) => v.productId === id)
        .reduce((sum, v) => sum + v.count, 0);
    const before = await counted();
    const first = await get(`/api/products/${id}`);
    for (let i = 0; i < 2; i += 1) {
      expect((await get(`/api/products/${id}`)).headers.etag).to.equal(first.headers.etag);
    }
    expect((await counted()) - before).to.equal(3);
  });

  it("records each lookup's outcome through the Metrics port (cache_lookups_total, cache=response)", async () => {
    const count = sinon.spy(t.container.get<Metrics>(METRICS), 'count');
    try {
      await get('/api/products?limit=9');
      await get('/api/products?limit=9');
      const outcomes = count
        .getCalls()
        .filter((c) => c.args[0] === 'cache_lookups_total')
        .map((c) => c.args[1]);
      // The miss ran the list's use case, whose catalog cache-aside counts its own lookup.
      expect(outcomes).to.deep.equal([
        { cache: 'response', outcome: 'miss' },
        { cache: 'catalog', outcome: 'miss' },
        { cache: 'response', outcome: 'hit' },
      ]);
    } finally {
      count.restore();
    }
  });

  it('an error is not cached (a bad query answers 400 each time)', async () => {
    const before = counter.runs;
    expect((await get('/api/products?limit=abc')).statusCode).to.equal(400);
    expect((await get('/api/products?limit=abc')).headers.etag).to.equal(undefined);
    expect(counter.runs - before).to.equal(0);
  });
});

describe('http/cache: response cache disabled (RESPONSE_CACHE_ENABLED=false)', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ RESPONSE_CACHE_ENABLED: 'false' });
  });
  after(async () => {
    await t.close();
  });

  it('every request runs the use case; no ETag', async () => {
    const counter = countListRuns(t);
    const a = await t.request({ method: 'GET', url: '/api/products?limit=3' });
    const b = await t.request({ method: 'GET', url: '/api/products?limit=3' });
    expect(b.body).to.equal(a.body);
    expect(a.headers.etag).to.equal(undefined);
    expect(counter.runs).to.equal(2);
  });
});

describe('http: response compression of dynamic answers', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ COMPRESSION_THRESHOLD_BYTES: '2048' });
  });
  after(async () => {
    await t.close();
  });

  it('compresses an answer above the threshold, negotiated, and leaves a small one alone', async () => {
    const big = await t.request({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(big.headers['content-encoding']).to.equal('gzip');
    expect(JSON.parse(gunzipSync(big.rawPayload).toString())).to.have.property('openapi');
    const plain = await t.request({ method: 'GET', url: '/api/openapi.json' });
    expect(plain.headers['content-encoding']).to.equal(undefined);
    const small = await t.request({
      method: 'GET',
      url: '/api/health',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(small.statusCode).to.equal(200);
    expect(small.body.length).to.be.below(2048);
    expect(small.headers['content-encoding']).to.equal(undefined);
  });
});
