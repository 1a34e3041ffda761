import { expect } from 'chai';
import sinon from 'sinon';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { PlaceOrder } from '../../../application/ordering/place-order.js';
import type { Product } from '../../../domain/catalog/product.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct } from '../../support/kit.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

type Shopper = { token: string; user: { _id: string } };

function orderingKit(t: () => TestApp) {
  const products = () => t().container.get<ProductRepository>(PRODUCT_REPOSITORY);
  return {
    async product(overrides: Partial<Product> = {}): Promise<Product> {
      const p = aProduct(overrides);
      if (!(await products().findById(p.id))) await products().create(p);
      return p;
    },
    async stockOf(id: string): Promise<number> {
      return (await products().findById(id))!.inventory.stock;
    },
    place(token: string, body: unknown, key?: string, url = '/api/orders') {
      return t().request({
        method: 'POST',
        url,
        token,
        body,
        ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}),
      });
    },
    async orderCount(token: string): Promise<number> {
      const res = await t().request({ method: 'GET', url: '/api/orders/my-orders', token });
      expect(res.statusCode, res.body).to.equal(200);
      return res.json().count;
    },
  };
}

const bodyFor = (productId: string, quantity = 1) => ({
  items: [{ product: productId, quantity }],
  shippingAddress: ADDRESS,
});

describe('http/idempotency: Idempotency-Key on POST /api/orders', () => {
  let app: TestApp;
  let shopper: Shopper;
  let other: Shopper;
  const kit = orderingKit(() => app);

  before(async () => {
    app = await buildTestApp();
    shopper = await registerUser(app);
    other = await registerUser(app);
  });
  after(async () => app.close());
  afterEach(() => sinon.restore());

  it('same key, same body twice: one order, the first response again with Idempotent-Replayed: true', async () => {
    const p = await kit.product();
    const before = await kit.orderCount(shopper.token);
    const first = await kit.place(shopper.token, bodyFor(p.id, 2), 'order-key-1');
    expect(first.statusCode, first.body).to.equal(201);
    expect(first.headers['idempotent-replayed']).to.equal(undefined);
    const second = await kit.place(shopper.token, bodyFor(p.id, 2), 'order-key-1');
    expect(second.statusCode).to.equal(201);
    expect(second.headers['idempotent-replayed']).to.equal('true');
    expect(second.headers['content-type']).to.equal(first.headers['content-type']);
    expect(second.body).to.equal(first.body);
    expect(second.json().data.order._id).to.equal(first.json().data.order._id);
    expect(await kit.orderCount(shopper.token)).to.equal(before + 1);
    expect(await kit.stockOf(p.id)).to.equal(18);
  });

  it('the same body with its keys in another order is the same request; so is the /api/api path', async () => {
    const p = await kit.product();
    const first = await kit.place(shopper.token, bodyFor(p.id), 'order-key-order');
    expect(first.statusCode, first.body).to.equal(201);
    const reordered = { shippingAddress: { ...ADDRESS }, items: [{ quantity: 1, product: p.id }] };
    const again = await kit.place(shopper.token, reordered, 'order-key-order', '/api/api/orders');
    expect(again.statusCode).to.equal(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.equal(first.body);
    expect(await kit.stockOf(p.id)).to.equal(19);
  });

  it('same key, different body: 422 IDEMPOTENCY_KEY_REUSED and nothing placed', async () => {
    const p = await kit.product();
    const first = await kit.place(shopper.token, bodyFor(p.id, 1), 'order-key-2');
    expect(first.statusCode, first.body).to.equal(201);
    const count = await kit.orderCount(shopper.token);
    const reused = await kit.place(shopper.token, bodyFor(p.id, 3), 'order-key-2');
    expect(reused.statusCode).to.equal(422);
    expect(reused.json()).to.deep.equal({
      status: 'error',
      code: 'IDEMPOTENCY_KEY_REUSED',
      message:
        'This Idempotency-Key was already used with a different request body; use a new key for a new request',
    });
    expect(await kit.orderCount(shopper.token)).to.equal(count);
    expect(await kit.stockOf(p.id)).to.equal(19);
  });

  it('20 parallel requests with one key: exactly one order, every answer the same', async () => {
    const p = await kit.product();
    const before = await kit.orderCount(shopper.token);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => kit.place(shopper.token, bodyFor(p.id), 'parallel-key')),
    );
    expect(await kit.orderCount(shopper.token)).to.equal(before + 1);
    expect(await kit.stockOf(p.id)).to.equal(19);
    const created = answers.filter((a) => a.statusCode === 201);
    expect(created).to.have.length(20); // the duplicates waited for the first and replayed it
    expect(new Set(created.map((a) => a.body)).size).to.equal(1);
    expect(created.filter((a) => a.headers['idempotent-replayed'] === 'true')).to.have.length(19);
  });

  it('different users with the same key are independent', async () => {
    const p = await kit.product();
    const mine = await kit.place(shopper.token, bodyFor(p.id), 'shared-key');
    const theirs = await kit.place(other.token, bodyFor(p.id), 'shared-key');
    expect(mine.statusCode, mine.body).to.equal(201);
    expect(theirs.statusCode, theirs.body).to.equal(201);
    expect(theirs.headers['idempotent-replayed']).to.equal(undefined);
    expect(theirs.json().data.order._id).not.to.equal(mine.json().data.order._id);
    expect(await kit.stockOf(p.id)).to.equal(18);
  });

  for (const [what, key] of [
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['with a control character', 'key\u0001x'],
  ] as const) {
    it(`an invalid key (${what}) is a 400 and places nothing`, async () => {
      const p = await kit.product();
      const res = await kit.place(shopper.token, bodyFor(p.id), key);
      expect(res.statusCode, res.body).to.equal(400);
      expect(res.json()).to.include({ status: 'error', code: 'VALIDATION_FAILED' });
      expect(await kit.stockOf(p.id)).to.equal(20);
    });
  }

  it('a 255-character printable key is accepted', async () => {
    const p = await kit.product();
    const key = ` ~${'x'.repeat(253)}`;
    const res = await kit.place(shopper.token, bodyFor(p.id), key);
    expect(res.statusCode, res.body).to.equal(201);
    expect((await kit.place(shopper.token, bodyFor(p.id), key)).headers['idempotent-replayed']).to.equal(
      'true',
    );
  });

  it('without the header nothing changes: two requests, two orders', async () => {
    const p = await kit.product();
    const a = await kit.place(shopper.token, bodyFor(p.id));
    const b = await kit.place(shopper.token, bodyFor(p.id));
    expect([a.statusCode, b.statusCode]).to.deep.equal([201, 201]);
    expect(b.headers['idempotent-replayed']).to.equal(undefined);
    expect(a.json().data.order._id).not.to.equal(b.json().data.order._id);
    expect(await kit.stockOf(p.id)).to.equal(18);
  });

  it('a refused order (4xx) is refused again on retry, even once it could succeed', async () => {
    const p = await kit.product({
      name: 'Scarce',
      inventory: { stock: 1, lowStockThreshold: 0, isAvailable: true },
    });
    const refused = await kit.place(shopper.token, bodyFor(p.id, 2), 'refused-key');
    expect(refused.statusCode).to.equal(400);
    expect(refused.json()).to.include({ code: 'INSUFFICIENT_STOCK' });
    const products = app.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const current = (await products.findById(p.id))!;
    (await products.update({ ...current, inventory: { ...current.inventory, stock: 10 } })).unwrap();
    const retry = await kit.place(shopper.token, bodyFor(p.id, 2), 'refused-key');
    expect(retry.statusCode).to.equal(400);
    expect(retry.headers['idempotent-replayed']).to.equal('true');
    expect(retry.body).to.equal(refused.body);
    expect(await kit.stockOf(p.id)).to.equal(10);
  });

  it('a 5xx is not kept: the retry runs again and succeeds', async () => {
    const p = await kit.product();
    const placeOrder = app.container.get(PlaceOrder);
    const real = placeOrder.execute.bind(placeOrder);
    const stub = sinon.stub(placeOrder, 'execute');
    stub.onFirstCall().rejects(new Error('database went away'));
    stub.callsFake(real);
    const crashed = await kit.place(shopper.token, bodyFor(p.id), 'crash-key');
    expect(crashed.statusCode).to.equal(500);
    const retry = await kit.place(shopper.token, bodyFor(p.id), 'crash-key');
    expect(retry.statusCode, retry.body).to.equal(201);
    expect(retry.headers['idempotent-replayed']).to.equal(undefined);
    expect(stub.callCount).to.equal(2);
    expect(await kit.stockOf(p.id)).to.equal(19);
  });

  it('while the first is running: a duplicate waits and replays it; another body is a 422 at once', async () => {
    const p = await kit.product();
    const placeOrder = app.container.get(PlaceOrder);
    const real = placeOrder.execute.bind(placeOrder);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stub = sinon.stub(placeOrder, 'execute').callsFake(async (input) => {
      await gate;
      return real(input);
    });
    const first = kit.place(shopper.token, bodyFor(p.id), 'slow-key');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const duplicate = kit.place(shopper.token, bodyFor(p.id), 'slow-key');
    const reused = await kit.place(shopper.token, bodyFor(p.id, 2), 'slow-key');
    expect(reused.statusCode).to.equal(422);
    setTimeout(release, 200);
    const [a, b] = await Promise.all([first, duplicate]);
    expect(a.statusCode, a.body).to.equal(201);
    expect(b.statusCode).to.equal(201);
    expect(b.headers['idempotent-replayed']).to.equal('true');
    expect(b.body).to.equal(a.body);
    expect(stub.callCount).to.equal(1);
    expect(await kit.stockOf(p.id)).to.equal(19);
  });

  it('a duplicate of a request still running after the wait is a 409 IDEMPOTENCY_KEY_IN_PROGRESS', async function () {
    this.timeout(15_000);
    const p = await kit.product();
    const placeOrder = app.container.get(PlaceOrder);
    const real = placeOrder.execute.bind(placeOrder);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    sinon.stub(placeOrder, 'execute').callsFake(async (input) => {
      await gate;
      return real(input);
    });
    const first = kit.place(shopper.token, bodyFor(p.id), 'stuck-key');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const duplicate = await kit.place(shopper.token, bodyFor(p.id), 'stuck-key');
    expect(Date.now() - started).to.be.at.least(2900);
    expect(duplicate.statusCode).to.equal(409);
    expect(duplicate.headers['retry-after']).to.equal('1');
    expect(duplicate.json()).to.deep.equal({
      status: 'error',
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
      message: 'A request with this Idempotency-Key is still being processed; retry shortly',
    });
    release();
    expect((await first).statusCode).to.equal(201);
  });

  it('browsers may send the header and read the replay header (CORS)', async () => {
    const cors = await buildTestApp({ CORS_ORIGINS: 'https://shop.example' });
    try {
      const preflight = await cors.request({
        method: 'OPTIONS',
        url: '/api/orders',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,idempotency-key',
        },
      });
      expect(preflight.statusCode).to.equal(204);
      expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).to.include(
        'idempotency-key',
      );
      const res = await cors.request({
        method: 'GET',
        url: '/api/health',
        headers: { origin: 'https://shop.example' },
      });
      expect(String(res.headers['access-control-expose-headers']).toLowerCase()).to.include(
        'idempotent-replayed',
      );
    } finally {
      await cors.close();
    }
  });

  it('OpenAPI documents the header on the route and the replay header on its success', async () => {
    const res = await app.request({ method: 'GET', url: '/api/openapi.json' });
    const op = res.json().paths['/api/orders'].post;
    const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header');
    expect(header).to.deep.include({ in: 'header', name: 'idempotency-key', required: false });
    expect(header.schema).to.deep.include({ type: 'string', minLength: 1, maxLength: 255 });
    expect(op.responses['201'].headers['idempotent-replayed'].description).to.match(/Idempotency-Key/);
    expect(op.responses).to.include.keys(['201', '400', '401', '404', '409', '422', '429', '500']);
  });
});

const SETUPS: ReadonlyArray<ReadonlyArray<'mongo' | 'redis'>> = [['mongo'], ['mongo', 'redis']];
for (const services of SETUPS) {
  describeWith(services, `http/idempotency: keys survive a restart (${services.join(' + ')})`, function () {
    this.timeout(60_000);
    const env: Record<string, string> = {
      MONGODB_URI: mongoTestUri(`idem_${services.length}`),
      ...(services.includes('redis') ? { REDIS_URL: serviceUrl('redis') } : {}),
    };
    let app: TestApp | undefined;
    const kit = orderingKit(() => app!);
    after(async () => {
      if (!app) return;
      await app.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await app.close();
    });

    it('a retry after the API restarted replays the first answer and places nothing', async () => {
      app = await buildTestApp(env);
      const p = await kit.product();
      const shopper = await registerUser(app);
      const first = await kit.place(shopper.token, bodyFor(p.id, 2), 'restart-key');
      expect(first.statusCode, first.body).to.equal(201);
      const parallel = await Promise.all(
        Array.from({ length: 20 }, () => kit.place(shopper.token, bodyFor(p.id), 'parallel-key')),
      );
      expect(new Set(parallel.filter((a) => a.statusCode === 201).map((a) => a.body)).size).to.equal(1);
      await app.close();
      app = undefined;

      app = await buildTestApp(env);
      const again = await kit.place(shopper.token, bodyFor(p.id, 2), 'restart-key');
      expect(again.statusCode).to.equal(201);
      expect(again.headers['idempotent-replayed']).to.equal('true');
      expect(again.body).to.equal(first.body);
      const reused = await kit.place(shopper.token, bodyFor(p.id, 1), 'restart-key');
      expect(reused.statusCode).to.equal(422);
      expect(await kit.orderCount(shopper.token)).to.equal(2);
      expect(await kit.stockOf(p.id)).to.equal(17);
    });
  });
}
