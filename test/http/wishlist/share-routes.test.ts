import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { USER_REPOSITORY, type UserRepository } from '../../../application/identity/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { SHARE_MAX_LIVE_PER_USER } from '../../../domain/wishlist/share.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, TestClock } from '../../support/kit.js';

const DAY = 24 * 60 * 60 * 1000;

describe('HTTP /api/wishlist/share and /api/wishlist/shared/:token', () => {
  let t: TestApp;
  const clock = new TestClock(Date.now());
  let products: ProductRepository;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let p: Product[];

  before(async () => {
    t = await buildTestApp({ PUBLIC_URL: 'https://api.shop.example' }, { clock });
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
  });
  after(async () => t.close());

  beforeEach(async () => {
    owner = await registerUser(t, { fullName: 'Meera Krishnan Iyer', phone: '+91 98765 43210' });
    p = [
      await products.create(aProduct({ name: 'Share Rose', price: 129900 })),
      await products.create(
        aProduct({
          name: 'Share Lily',
          price: 99900,
          inventory: { stock: 0, lowStockThreshold: 1, isAvailable: true },
        }),
      ),
    ];
    for (const x of p) {
      expect(
        (await t.request({ method: 'POST', url: `/api/wishlist/${x.id}`, token: owner.token })).statusCode,
      ).to.equal(200);
    }
  });

  const create = (body?: unknown, token: string | null = owner.token) =>
    t.request({
      method: 'POST',
      url: '/api/wishlist/share',
      ...(token !== null ? { token } : {}),
      ...(body !== undefined ? { body } : {}),
    });
  const view = (token: string, prefix = '/api') =>
    t.request({ method: 'GET', url: `${prefix}/wishlist/shared/${token}` });
  const revoke = (tokenOrId: string, token = owner.token) =>
    t.request({ method: 'DELETE', url: `/api/wishlist/share/${tokenOrId}`, token });
  const list = async (token = owner.token) =>
    (await t.request({ method: 'GET', url: '/api/wishlist/share', token })).json().data.shares as {
      id: string;
      status: string;
    }[];

  it('creates an unguessable link (256 bits) that expires in 30 days by default; answered 201', async () => {
    const res = await create();
    expect(res.statusCode).to.equal(201);
    const share = res.json().data.share;
    expect(share.token).to.match(/^[0-9a-f]{64}$/);
    expect(share.url).to.equal(`https://api.shop.example/api/wishlist/shared/${share.token}`);
    expect(share.status).to.equal('active');
    expect(new Date(share.expiresAt).getTime() - clock.now().getTime()).to.equal(30 * DAY);
    const seven = (await create({ expiresInDays: 7 })).json().data.share;
    expect(new Date(seven.expiresAt).getTime() - clock.now().getTime()).to.equal(7 * DAY);
    expect(seven.token).to.not.equal(share.token);
  });

  it('the public view (no token, /api/api too): products with name, price, image, category, availability; first name only', async () => {
    const { token } = (await create()).json().data.share;
    for (const prefix of ['/api', '/api/api']) {
      const res = await view(token, prefix);
      expect(res.statusCode).to.equal(200);
      const w = res.json().data.wishlist;
      expect(w.owner).to.deep.equal({ firstName: 'Meera' });
      expect(w.count).to.equal(2);
      expect(w.products.map((x: { name: string }) => x.name)).to.deep.equal(['Share Rose', 'Share Lily']);
      expect(w.products[0]).to.include({ _id: p[0]!.id, price: 1299, availability: 'in-stock' });
      expect(w.products[0]).to.have.property('image');
      expect(w.products[0]).to.have.property('category');
      expect(w.products[1].availability).to.equal('out-of-stock');
    }
  });

  it('the public view carries no personal data: no email, user id, surname, phone, token digest', async () => {
    const { token } = (await create()).json().data.share;
    const text = (await view(token)).body;
    for (const secret of [
      owner.user.email,
      owner.user._id,
      'Krishnan',
      'Iyer',
      '98765',
      'email',
      'userId',
      'tokenHash',
    ]) {
      expect(text, secret).to.not.contain(secret);
    }
  });

  it('the view follows the wishlist as it is now', async () => {
    const { token } = (await create()).json().data.share;
    await t.request({ method: 'DELETE', url: `/api/wishlist/${p[0]!.id}`, token: owner.token });
    expect(
      (await view(token)).json().data.wishlist.products.map((x: { _id: string }) => x._id),
    ).to.deep.equal([p[1]!.id]);
  });

  it('after revocation (by token) the link answers 404; the list shows it revoked, never its token', async () => {
    const share = (await create()).json().data.share;
    expect((await view(share.token)).statusCode).to.equal(200);
    const res = await revoke(share.token);
    expect(res.statusCode).to.equal(200);
    expect(res.json().data.share.status).to.equal('revoked');
    const gone = await view(share.token);
    expect(gone.statusCode).to.equal(404);
    expect(gone.json().code).to.equal('SHARE_NOT_FOUND');
    const mine = await list();
    expect(mine.find((s) => s.id === share.id)?.status).to.equal('revoked');
    expect(JSON.stringify(mine)).to.not.contain(share.token);
    expect((await revoke(share.token)).statusCode, 'revoking twice is harmless').to.equal(200);
  });

  it('revocation by the id the list shows works too; other links stay live', async () => {
    const a = (await create()).json().data.share;
    const b = (await create()).json().data.share;
    expect((await revoke(a.id)).statusCode).to.equal(200);
    expect((await view(a.token)).statusCode).to.equal(404);
    expect((await view(b.token)).statusCode).to.equal(200);
  });

  it('after expiry (test clock) the link answers 404 and is listed as expired', async () => {
    const share = (await create({ expiresInDays: 1 })).json().data.share;
    clock.advance(DAY - 1);
    expect((await view(share.token)).statusCode).to.equal(200);
    clock.advance(1);
    expect((await view(share.token)).statusCode).to.equal(404);
    expect((await list()).find((s) => s.id === share.id)?.status).to.equal('expired');
  });

  it("another user cannot revoke someone's link (404) and does not see it in their list", async () => {
    const share = (await create()).json().data.share;
    const other = await registerUser(t);
    expect((await revoke(share.token, other.token)).statusCode).to.equal(404);
    expect((await revoke(share.id, other.token)).statusCode).to.equal(404);
    expect(await list(other.token)).to.deep.equal([]);
    expect((await view(share.token)).statusCode).to.equal(200);
  });

  it('an unknown token is 404; a malformed one is a 400 naming params.token', async () => {
    expect((await view('0'.repeat(64))).statusCode).to.equal(404);
    const bad = await view('not-a-token');
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().message).to.contain('params.token');
    const badRevoke = await revoke('nope');
    expect(badRevoke.statusCode).to.equal(400);
    expect(badRevoke.json().message).to.contain('params.token');
  });

  it('bad expiresInDays is a 400 naming the field', async () => {
    for (const expiresInDays of [0, 366, 1.5, 'x', null]) {
      const res = await create({ expiresInDays });
      expect(res.statusCode, String(expiresInDays)).to.equal(400);
      expect(res.json().message).to.contain('body.expiresInDays');
    }
    expect((await create({ other: 1 })).statusCode).to.equal(400);
  });

  it("a deactivated owner's links answer 404", async () => {
    const share = (await create()).json().data.share;
    const users = t.container.get<UserRepository>(USER_REPOSITORY);
    const user = (await users.findById(owner.user._id))!;
    expect((await users.update({ ...user, isActive: false })).isOk()).to.equal(true);
    expect((await view(share.token)).statusCode).to.equal(404);
  });

  it(`at most ${SHARE_MAX_LIVE_PER_USER} live links: one more is 409 TOO_MANY_SHARE_LINKS until one is revoked`, async () => {
    const made: { id: string }[] = [];
    for (let i = 0; i < SHARE_MAX_LIVE_PER_USER; i += 1) made.push((await create()).json().data.share);
    const refused = await create();
    expect(refused.statusCode).to.equal(409);
    expect(refused.json()).to.include({ code: 'TOO_MANY_SHARE_LINKS', limit: SHARE_MAX_LIVE_PER_USER });
    await revoke(made[0]!.id);
    expect((await create()).statusCode).to.equal(201);
  });

  it('every share route is served under /api/api too', async () => {
    const made = await t.request({ method: 'POST', url: '/api/api/wishlist/share', token: owner.token });
    expect(made.statusCode).to.equal(201);
    const share = made.json().data.share;
    const listed = await t.request({ method: 'GET', url: '/api/api/wishlist/share', token: owner.token });
    expect(listed.json().data.shares.map((s: { id: string }) => s.id)).to.deep.equal([share.id]);
    const gone = await t.request({
      method: 'DELETE',
      url: `/api/api/wishlist/share/${share.token}`,
      token: owner.token,
    });
    expect(gone.statusCode).to.equal(200);
    expect((await view(share.token, '/api/api')).statusCode).to.equal(404);
  });

  it('the OpenAPI document lists every bulk and share route with its error answers', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    const expected: [string, string, string[]][] = [
      ['/api/wishlist/bulk/add', 'post', ['400', '401']],
      ['/api/wishlist/bulk/remove', 'delete', ['400', '401']],
      ['/api/wishlist/bulk/move-to-cart', 'post', ['400', '401', '409']],
      ['/api/wishlist/bulk/operations', 'post', ['400', '401']],
      ['/api/wishlist/bulk/operations/{id}', 'get', ['401', '404']],
      ['/api/wishlist/share', 'post', ['400', '401', '409']],
      ['/api/wishlist/share', 'get', ['401']],
      ['/api/wishlist/share/{token}', 'delete', ['400', '401', '404']],
      ['/api/wishlist/shared/{token}', 'get', ['400', '404']],
    ];
    for (const [path, method, statuses] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).to.not.equal(undefined);
      expect(Object.keys(op.responses)).to.include.members(statuses);
    }
    expect(doc.paths['/api/wishlist/shared/{token}'].get.security ?? []).to.deep.equal([]);
  });

  for (const [method, url] of [
    ['POST', '/api/wishlist/share'],
    ['GET', '/api/wishlist/share'],
    ['DELETE', `/api/wishlist/share/${'a'.repeat(64)}`],
  ] as const) {
    it(`${method} ${url} without a token is 401`, async () => {
      expect((await t.request({ method, url })).statusCode).to.equal(401);
    });
  }
});
