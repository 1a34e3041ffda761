import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri } from '../../support/services.js';

describeWith(['mongo'], 'HTTP search records on MongoDB, across a restart', function () {
  this.timeout(120_000);
  const uri = mongoTestUri('search-records');
  let first: TestApp | undefined;
  let second: TestApp | undefined;

  after(async () => {
    const app = second ?? first;
    if (app) await app.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await second?.close();
    await first?.close().catch(() => undefined);
  });

  it('saved searches (cap under parallel saves), history and popular counts are stored and read back by a restarted app', async () => {
    first = await buildTestApp({ MONGODB_URI: uri, SEARCH_HISTORY_LIMIT: '2' });
    const { token, user } = await registerUser(first);
    const save = (name: string) =>
      first!.request({
        method: 'POST',
        url: '/api/search/save',
        token,
        body: { name, filters: { $in: ['x'] } },
      });
    expect((await save('mongo first')).statusCode).to.equal(201);
    // 46 more written straight into the shopper's document, then 6 in parallel over HTTP: 3 fit.
    const userId = user._id;
    const lists = first.container.get<Connection>(MONGO_CONNECTION).collection('saved_searches');
    const doc = await lists.findOne({ _id: userId as never });
    const entries = [...(doc!.entries as object[])];
    for (let i = 0; i < 46; i++) {
      entries.push({
        id: `filler${i}`,
        name: `filler ${i}`,
        query: '',
        filters: '{}',
        createdAt: new Date(0),
      });
    }
    await lists.updateOne({ _id: userId as never }, { $set: { entries } });
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => save(`mongo ${i}`)));
    expect(answers.map((r) => r.statusCode).sort()).to.deep.equal([201, 201, 201, 409, 409, 409]);

    await Promise.all(
      ['roses', 'lilies', 'tulips'].map((q) =>
        first!.request({ method: 'GET', url: `/api/products?search=${q}`, token }),
      ),
    );
    await Promise.all(
      Array.from({ length: 5 }, () =>
        first!.request({ method: 'GET', url: '/api/products/search?q=Mongo+Peonies' }),
      ),
    );
    await first.close();

    second = await buildTestApp({ MONGODB_URI: uri, SEARCH_HISTORY_LIMIT: '2' });
    const saved = (await second.request({ method: 'GET', url: '/api/search/saved', token })).json().data
      .savedSearches;
    expect(saved).to.have.length(50);
    expect(saved[0].filters).to.deep.equal({ $in: ['x'] });
    expect(saved.at(-1).name).to.match(/^filler/);
    const history = (await second.request({ method: 'GET', url: '/api/search/history', token })).json().data
      .searchHistory;
    expect(history).to.have.length(2);
    const popular = (await second.request({ method: 'GET', url: '/api/search/popular?limit=50' })).json().data
      .popular;
    expect(popular.find((p: { term: string }) => p.term === 'mongo peonies')?.count).to.equal(5);
    expect(popular.find((p: { term: string }) => p.term === 'roses')?.count).to.equal(1);
    const del = await second.request({ method: 'DELETE', url: `/api/search/saved/${saved[0].id}`, token });
    expect(del.statusCode).to.equal(200);
    expect(
      (await second.request({ method: 'DELETE', url: '/api/search/history', token })).statusCode,
    ).to.equal(200);
    expect(
      (await second.request({ method: 'GET', url: '/api/search/history', token })).json().data.searchHistory,
    ).to.deep.equal([]);
  });
});
