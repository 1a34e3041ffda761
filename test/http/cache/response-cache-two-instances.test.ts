import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

/** Two instances on one MongoDB and one Redis: each has its own LRU, the generations are shared. */
describeWith(
  ['mongo', 'redis'],
  'http/cache: the response cache on two instances (MongoDB + Redis)',
  function () {
    this.timeout(60_000);
    let a: TestApp;
    let b: TestApp;

    before(async () => {
      const env = { MONGODB_URI: mongoTestUri('respcache2'), REDIS_URL: serviceUrl('redis') };
      a = await buildTestApp(env);
      b = await buildTestApp(env);
    });
    after(async () => {
      if (a) await a.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await a?.close();
      await b?.close();
    });

    const priceOn = async (t: TestApp, id: string) => {
      const res = await t.request({ method: 'GET', url: `/api/products/${id}` });
      expect(res.statusCode).to.equal(200);
      return res.json().data.product.price as number;
    };
    const listedOn = async (t: TestApp, id: string) =>
      (await t.request({ method: 'GET', url: '/api/products?limit=100' }))
        .json()
        .data.products.find((p: { _id: string }) => p._id === id).price as number;

    it('an entry computed on one instance is served by the other with the same bytes and ETag', async () => {
      const first = await a.request({ method: 'GET', url: '/api/products?limit=6&sort=price' });
      const other = await b.request({ method: 'GET', url: '/api/products?sort=price&limit=6' });
      expect(other.body).to.equal(first.body);
      expect(other.headers.etag).to.equal(first.headers.etag);
    });

    it('a price change made through instance A is served at once by A and by B', async () => {
      const id = (await a.request({ method: 'GET', url: '/api/products?limit=1' })).json().data.products[0]
        ._id;
      const was = await priceOn(a, id);
      expect(await priceOn(b, id)).to.equal(was);
      expect(await listedOn(a, id)).to.equal(was);
      expect(await listedOn(b, id)).to.equal(was);
      const admin = await loginAdmin(a);
      const put = await a.request({
        method: 'PUT',
        url: `/api/admin/products/${id}`,
        token: admin,
        body: { price: was + 7 },
      });
      expect(put.statusCode).to.equal(200);
      expect(await priceOn(a, id)).to.equal(was + 7);
      expect(await priceOn(b, id)).to.equal(was + 7);
      expect(await listedOn(a, id)).to.equal(was + 7);
      expect(await listedOn(b, id)).to.equal(was + 7);
    });
  },
);
