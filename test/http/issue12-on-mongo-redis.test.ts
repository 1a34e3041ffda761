import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../support/services.js';

/**
 * Search, recommendations and analytics answer on MongoDB + Redis as on the embedded default:
 * one app on both services (BullMQ queue, Redis fan-out), the demo catalog seeded, every new
 * route family driven once end to end.
 */
describeWith(['mongo', 'redis'], 'search, recommendations and analytics on MongoDB + Redis', function () {
  this.timeout(120_000);
  let t: TestApp;
  let admin: string;
  let shopper: string;

  before(async () => {
    t = await buildTestApp({ MONGODB_URI: mongoTestUri('issue12_routes'), REDIS_URL: serviceUrl('redis') });
    admin = await loginAdmin(t);
    shopper = (await registerUser(t)).token;
  });
  after(async () => {
    await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await t.close();
  });

  const get = async (url: string, token?: string) => {
    const res = await t.request({ method: 'GET', url, ...(token ? { token } : {}) });
    expect(res.statusCode, `${url}: ${res.body}`).to.equal(200);
    return res.json();
  };

  it('autocomplete forgives a typo over the index filled from MongoDB at start', async () => {
    const body = await get('/api/search/autocomplete?q=rsoe');
    const texts = body.data.suggestions.map((s: { text: string }) => s.text.toLowerCase());
    expect(
      texts.some((x: string) => x.includes('rose')),
      texts.join(', '),
    ).to.equal(true);
  });

  it('advanced search: both filter syntaxes agree, facets count, nearby by city, bad input is a 400', async () => {
    const bracketed = await get(
      '/api/products/search/advanced?q=roses&filters[occasion][]=birthday&filters[occasion][]=anniversary&facets=true',
    );
    const json = await get(
      `/api/products/search/advanced?q=roses&facets=true&filters=${encodeURIComponent(
        JSON.stringify({ occasion: ['birthday', 'anniversary'] }),
      )}`,
    );
    expect(bracketed.data.total).to.be.greaterThan(0);
    expect(json.data).to.deep.equal(bracketed.data);
    expect(bracketed.data.facets.occasions).to.be.an('array').that.is.not.empty;

    const nearby = await get('/api/products/search/advanced?filters[location][city]=Mumbai&limit=100');
    expect(nearby.data.total).to.be.greaterThan(0);
    const unknown = await t.request({
      method: 'GET',
      url: '/api/products/search/advanced?filters[location][city]=Atlantis',
    });
    expect(unknown.statusCode).to.equal(400);
    const badJson = await t.request({ method: 'GET', url: '/api/products/search/advanced?filters=%7Bnope' });
    expect(badJson.statusCode).to.equal(400);
  });

  it("a signed-in shopper's searches reach their history and the popular terms; saved searches are kept", async () => {
    await get('/api/products/search/advanced?q=orchids', shopper);
    await get('/api/products?search=tulips', shopper);
    const history = await get('/api/search/history', shopper);
    expect(history.data.searchHistory.map((h: { query: string }) => h.query)).to.include.members([
      'orchids',
      'tulips',
    ]);
    const popular = await get('/api/search/popular');
    expect(popular.data.popular.map((p: { term: string }) => p.term)).to.include('orchids');

    const saved = await t.request({
      method: 'POST',
      url: '/api/search/save',
      token: shopper,
      body: { name: 'birthday roses', query: 'roses', filters: { occasion: ['birthday'] } },
    });
    expect(saved.statusCode, saved.body).to.equal(201);
    const list = await get('/api/search/saved', shopper);
    expect(list.data.savedSearches.map((s: { name: string }) => s.name)).to.deep.equal(['birthday roses']);
  });

  it('trains a model on the BullMQ queue, then related, recommendations and trending answer from it', async () => {
    const started = await t.request({ method: 'POST', url: '/api/recommendations/train', token: admin });
    expect(started.statusCode, started.body).to.equal(202);
    const jobId = started.json().data.job.jobId as string;
    let job: { state: string; result?: { version: number } } = { state: 'waiting' };
    while (job.state !== 'completed' && job.state !== 'dead') {
      await new Promise((r) => setTimeout(r, 50));
      job = (await get(`/api/recommendations/train/${jobId}`, admin)).data.job;
    }
    expect(job.state).to.equal('completed');
    const models = await get('/api/recommendations/models', admin);
    expect(models.data.models[0].version).to.equal(job.result!.version);

    const products = (await get('/api/products?limit=1')).data.products as { _id: string }[];
    const related = await get(`/api/products/${products[0]!._id}/related`);
    expect(related.data.products).to.be.an('array').that.is.not.empty;
    expect((await get('/api/products/recommendations', shopper)).data.products).to.be.an('array');
    expect((await get('/api/products/trending')).data.products).to.be.an('array');
  });

  it('analytics: the dashboard and a CSV export answer from the aggregation pipelines', async () => {
    const dashboard = await get('/api/analytics/dashboard?granularity=week', admin);
    expect(dashboard.data.totals).to.include.keys('orders', 'netRevenue', 'cartAbandonmentRate');
    expect(dashboard.data.series).to.be.an('array').that.is.not.empty;
    const csv = await t.request({ method: 'GET', url: '/api/analytics/sales?format=csv', token: admin });
    expect(csv.statusCode, csv.body).to.equal(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
  });
});
