import { expect } from 'chai';
import mongoose from 'mongoose';
import { startServer, type ServerProcess } from '../support/process.js';
import { describeWith, mongoTestUri, serviceUrl } from '../support/services.js';

const ADMIN = { email: 'admin@two.local', password: 'two-instances-admin' };

/**
 * Two server processes on one MongoDB and one Redis behave as one shop: a logout on one is
 * honoured by the other, a price change on one is served by the other at once, a product made
 * on one is suggested by the other's search, and orders spread across both never oversell.
 */
describeWith(['mongo', 'redis'], 'two instances on the same MongoDB and Redis', function () {
  this.timeout(60_000);
  let a: ServerProcess;
  let b: ServerProcess;
  let mongoUri: string;

  before(async () => {
    mongoUri = mongoTestUri('two');
    const env = {
      MONGODB_URI: mongoUri,
      REDIS_URL: serviceUrl('redis'),
      JWT_SECRET: 'two-instances-secret-two-instances-secret',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_ENABLED: 'false',
      LOGOUT_GRACE_MS: '0', // the logout below is checked with a GET (grace: test/http/identity/logout-grace)
      LOG_LEVEL: 'info', // the "listening" line with the port is logged at info
    };
    a = await startServer(env);
    b = await startServer(env); // after A: A seeded the catalog, B finds it there
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const c = await mongoose.createConnection(mongoUri).asPromise();
    await c.dropDatabase();
    await c.close();
  });

  async function call(server: ServerProcess, method: string, path: string, token?: string, body?: unknown) {
    const res = await fetch(`${server.base}/api${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method === 'DELETE' || path.includes('bulk') ? { 'x-admin-confirmation': 'confirmed' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function adminToken(server: ServerProcess): Promise<string> {
    const res = await call(server, 'POST', '/auth/login', undefined, ADMIN);
    expect(res.status).to.equal(200);
    return res.body.token;
  }

  it('shares one catalog (seeded once)', async () => {
    const fromA = await call(a, 'GET', '/products?limit=100');
    const fromB = await call(b, 'GET', '/products?limit=100');
    expect(fromA.body.pagination.total).to.equal(34);
    expect(fromB.body.pagination.total).to.equal(34);
  });

  it('honours a logout on one instance on the other', async () => {
    const reg = await call(a, 'POST', '/auth/register', undefined, {
      fullName: 'Two Shop',
      email: 'two@example.com',
      password: 'two-pass-1',
      phone: '',
      birthday: '',
    });
    expect(reg.status).to.equal(201);
    const token: string = reg.body.token;
    expect((await call(b, 'GET', '/auth/me', token)).status).to.equal(200);
    expect((await call(a, 'POST', '/auth/logout', token)).status).to.equal(200);
    expect((await call(b, 'GET', '/auth/me', token)).status).to.equal(401);
  });

  it('serves a price change made on one instance from the other at once', async () => {
    const admin = await adminToken(a);
    const list = await call(b, 'GET', '/products?limit=1&sort=price-asc');
    const product = list.body.data.products[0];
    // Warm B's caches for the product, its listing and search.
    expect((await call(b, 'GET', `/products/${product._id}`)).body.data.product.price).to.equal(
      product.price,
    );
    await call(b, 'GET', '/products/search?q=' + encodeURIComponent(product.name.split(' ')[0]));
    const newPrice = product.price + 123;
    const put = await call(a, 'PUT', `/admin/products/${product._id}`, admin, { price: newPrice });
    expect(put.status).to.equal(200);
    expect((await call(b, 'GET', `/products/${product._id}`)).body.data.product.price).to.equal(newPrice);
    const again = await call(b, 'GET', '/products?limit=1&sort=price-asc');
    expect(
      again.body.data.products.find((p: { _id: string }) => p._id === product._id)?.price ?? newPrice,
    ).to.equal(newPrice);
  });

  it("keeps both instances' search indexes current: a product created or renamed on one is suggested by the other", async () => {
    const admin = await adminToken(a);
    const suggested = async (server: ServerProcess, q: string) =>
      (await call(server, 'GET', `/search/autocomplete?q=${encodeURIComponent(q)}`)).body.data
        .suggestions as {
        kind: string;
        text: string;
        id?: string;
      }[];
    // Both built their index from the shared catalog at start.
    expect((await suggested(b, 'rsoe'))[0]).to.deep.equal({ kind: 'flowerType', text: 'roses' });
    const categoryId = (await call(a, 'GET', '/categories')).body.data.categories[0]._id;
    const created = await call(a, 'POST', '/admin/products', admin, {
      name: 'Wisteria Whisper',
      description: 'Two-instance search',
      price: 899,
      category: categoryId,
      inventory: { stock: 3 },
      images: [{ url: 'https://img.example/w.jpg', alt: 'W', isPrimary: true }],
    });
    expect(created.status).to.equal(201);
    const id: string = created.body.data.product._id;
    // The notice reaches B through the Redis fan-out, just after A answered.
    const eventually = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 50 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await check()).to.equal(true);
    };
    await eventually(async () => (await suggested(b, 'wister')).some((s) => s.id === id));
    expect((await call(a, 'PUT', `/admin/products/${id}`, admin, { name: 'Verbena Vista' })).status).to.equal(
      200,
    );
    await eventually(async () =>
      (await suggested(b, 'verben')).some((s) => s.id === id && s.text === 'Verbena Vista'),
    );
    expect((await suggested(b, 'wister')).some((s) => s.id === id)).to.equal(false);
    expect((await suggested(a, 'verben')).some((s) => s.id === id)).to.equal(true);
  });

  it('never oversells when orders are spread across both instances', async () => {
    const admin = await adminToken(a);
    const list = await call(a, 'GET', '/products?limit=1&sort=newest');
    const productId: string = list.body.data.products[0]._id;
    expect(
      (await call(a, 'PUT', `/admin/products/${productId}`, admin, { inventory: { stock: 5 } })).status,
    ).to.equal(200);
    const shoppers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const r = await call(i % 2 ? a : b, 'POST', '/auth/register', undefined, {
          fullName: `Buyer ${i}`,
          email: `buyer${i}@example.com`,
          password: 'buyer-pass',
          phone: '',
          birthday: '',
        });
        return r.body.token as string;
      }),
    );
    const results = await Promise.all(
      shoppers.flatMap((token, i) =>
        [0, 1, 2].map((k) =>
          call((i + k) % 2 ? a : b, 'POST', '/orders', token, {
            items: [{ product: productId, quantity: 1 }],
            shippingAddress: { fullName: 'B', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
          }),
        ),
      ),
    );
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 201)).to.have.length(5);
    expect(codes.filter((c) => c !== 201 && c !== 400)).to.deep.equal([]);
    const after = await call(b, 'GET', `/products/${productId}`);
    expect(after.body.data.product.inventory.stock).to.equal(0);
  });
});
