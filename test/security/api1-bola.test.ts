import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';
import { describeWith, mongoTestUri } from '../support/services.js';
import { apiRoutes, fill, key, shopperWithObjects, type Owned, type Shopper } from './support.js';

/**
 * API1:2023 Broken Object Level Authorization. Every route with an id parameter is classified
 * below, with the reason; the routes on another user's objects are probed with a second shopper's
 * token and the victim's real ids: 403/404, never the victim's data, and the objects unchanged.
 */
type Kind =
  | {
      readonly kind: 'owned';
      readonly ids: (o: Owned) => Record<string, string>;
      readonly body?: unknown;
      /** An idempotent delete on the caller's own collection: 200 allowed, showing only the caller's. */
      readonly noop?: string;
    }
  | { readonly kind: 'admin' | 'public' | 'own-list' | 'secret' | 'elsewhere'; readonly reason: string };

const order = (o: Owned) => ({ id: o.orderId, orderId: o.orderId });
const CATALOG = 'catalog data is public; writes are admin-only (API5)';
const ADMIN = 'admin-only (every /api/admin route and this one refuse a shopper, probed in API5 and below)';
const OWN_LIST =
  "the id names a public product; the route acts on the caller's own list (probe: the victim's list is untouched)";

export const ID_ROUTES: Readonly<Record<string, Kind>> = {
  'GET /api/realtime/order-status/:orderId': {
    kind: 'elsewhere',
    reason: "WebSocket/SSE: another user's order closes 4403 (test/contract/realtime/transport.test.ts)",
  },
  'PUT /api/auth/resetpassword/:resettoken': {
    kind: 'secret',
    reason: 'the parameter is a single-use secret, not an object id (API2 probes it)',
  },
  'DELETE /api/auth/sessions/:id': { kind: 'owned', ids: (o) => ({ id: o.sessionId }) },
  'DELETE /api/admin/api-keys/:id': { kind: 'admin', reason: ADMIN },
  'PUT /api/users/addresses/:addressId': {
    kind: 'owned',
    ids: (o) => ({ addressId: o.addressId }),
    body: { street: '13 Attacker Lane' },
  },
  'DELETE /api/users/addresses/:addressId': {
    kind: 'owned',
    ids: (o) => ({ addressId: o.addressId }),
    noop: "removing an address is idempotent on the caller's own list (the storefront relies on it)",
  },
  'POST /api/users/favorites/:productId': { kind: 'own-list', reason: OWN_LIST },
  'DELETE /api/users/favorites/:productId': { kind: 'own-list', reason: OWN_LIST },
  'GET /api/products/:id/related': { kind: 'public', reason: CATALOG },
  'GET /api/products/:id': { kind: 'public', reason: CATALOG },
  'PUT /api/products/:id': { kind: 'admin', reason: ADMIN },
  'DELETE /api/products/:id': { kind: 'admin', reason: ADMIN },
  'GET /api/categories/:id': { kind: 'public', reason: CATALOG },
  'PUT /api/categories/:id': { kind: 'admin', reason: ADMIN },
  'DELETE /api/categories/:id': { kind: 'admin', reason: ADMIN },
  'PUT /api/cart/:itemId': { kind: 'owned', ids: (o) => ({ itemId: o.cartItemId }), body: { quantity: 3 } },
  'DELETE /api/cart/:itemId': {
    kind: 'owned',
    ids: (o) => ({ itemId: o.cartItemId }),
    noop: "removing a line is idempotent on the caller's own cart",
  },
  'GET /api/wishlist/bulk/operations/:id': { kind: 'owned', ids: (o) => ({ id: o.bulkOperationId }) },
  'DELETE /api/wishlist/share/:token': { kind: 'owned', ids: (o) => ({ token: o.shareToken }) },
  'GET /api/wishlist/shared/:token': {
    kind: 'public',
    reason: 'a share link is a capability the owner hands out (64 hex characters, revocable)',
  },
  'POST /api/wishlist/:productId': { kind: 'own-list', reason: OWN_LIST },
  'DELETE /api/wishlist/:productId': { kind: 'own-list', reason: OWN_LIST },
  'POST /api/wishlist/:productId/move-to-cart': { kind: 'own-list', reason: OWN_LIST },
  'POST /api/products/:id/reviews': { kind: 'public', reason: 'reviews a public product as the caller' },
  'GET /api/products/:id/reviews': { kind: 'public', reason: 'approved reviews are public' },
  'PUT /api/reviews/:id': {
    kind: 'owned',
    ids: (o) => ({ id: o.reviewId }),
    body: { rating: 1, comment: 'Edited by somebody else entirely.' },
  },
  'DELETE /api/reviews/:id': { kind: 'owned', ids: (o) => ({ id: o.reviewId }) },
  'POST /api/reviews/:id/helpful': {
    kind: 'public',
    reason: "voting on someone else's approved review is the feature (one vote per user)",
  },
  'POST /api/reviews/:id/report': {
    kind: 'public',
    reason: "reporting someone else's approved review is the feature (one report per user)",
  },
  'POST /api/orders/:id/delivery/proof': { kind: 'owned', ids: order, body: {} },
  'GET /api/orders/:id/tracking': { kind: 'owned', ids: order },
  'PUT /api/orders/:id/delivery': {
    kind: 'owned',
    ids: order,
    body: { action: 'out-for-delivery' },
  },
  'POST /api/orders/:id/notifications': { kind: 'owned', ids: order, body: { channels: ['email'] } },
  'GET /api/orders/:id': { kind: 'owned', ids: order },
  'PUT /api/orders/:id/cancel': { kind: 'owned', ids: order, body: { reason: 'not mine' } },
  'PUT /api/orders/:id/status': { kind: 'owned', ids: order, body: { status: 'cancelled' } },
  'GET /api/location/details/:placeId': { kind: 'public', reason: 'public place lookup' },
  'GET /api/admin/users/:id/loyalty': { kind: 'admin', reason: ADMIN },
  'GET /api/admin/products/:id': { kind: 'admin', reason: ADMIN },
  'PUT /api/admin/products/:id': { kind: 'admin', reason: ADMIN },
  'DELETE /api/admin/products/:id': { kind: 'admin', reason: ADMIN },
  'POST /api/admin/products/:id/images/upload': { kind: 'admin', reason: ADMIN },
  'POST /api/admin/products/:id/images': { kind: 'admin', reason: ADMIN },
  'PUT /api/admin/products/:id/images/reorder': { kind: 'admin', reason: ADMIN },
  'DELETE /api/admin/products/:id/images/:imageId': { kind: 'admin', reason: ADMIN },
  'GET /api/admin/orders/:id': { kind: 'admin', reason: ADMIN },
  'PUT /api/admin/orders/:id/status': { kind: 'admin', reason: ADMIN },
  'PUT /api/admin/reviews/:id/status': { kind: 'admin', reason: ADMIN },
  'PUT /api/admin/users/:id/role': { kind: 'admin', reason: ADMIN },
  'GET /api/payments/status/:orderId': { kind: 'owned', ids: order },
  'GET /api/promos/validate/:code': {
    kind: 'public',
    reason: 'checks a promo code for the caller and their own cart',
  },
  'PUT /api/promos/:id': { kind: 'admin', reason: ADMIN },
  'DELETE /api/promos/:id': { kind: 'admin', reason: ADMIN },
  'PUT /api/promos/:id/deactivate': { kind: 'admin', reason: ADMIN },
  'PUT /api/products/:id/stock': { kind: 'admin', reason: ADMIN },
  'PUT /api/inventory/:productId/stock': { kind: 'admin', reason: ADMIN },
  'POST /api/inventory/:productId/notify-me': {
    kind: 'own-list',
    reason: "subscribes the caller to a public product's restock",
  },
  'GET /api/notifications/:id': { kind: 'owned', ids: (o) => ({ id: o.notificationId }) },
  'GET /api/notifications/bulk/:id': { kind: 'admin', reason: ADMIN },
  'DELETE /api/search/saved/:id': { kind: 'owned', ids: (o) => ({ id: o.savedSearchId }) },
  'GET /api/recommendations/train/:jobId': { kind: 'admin', reason: ADMIN },
};

/** Valid bodies, so that the role check and not the schema answers. */
const ADMIN_BODIES: Record<string, unknown> = {
  'PUT /api/categories/:id': { name: 'Hacked' },
  'PUT /api/promos/:id': { code: 'HACKED10', type: 'percentage', value: 10 },
};

function bolaSuite(env: () => Record<string, string>, dropOnClose: boolean) {
  return function (this: Mocha.Suite) {
    this.timeout(120_000);
    let t: TestApp;
    let admin: string;
    let victim: Owned;
    let attacker: Shopper;

    before(async () => {
      t = await buildTestApp(env());
      admin = await loginAdmin(t);
      victim = await shopperWithObjects(t, admin);
      attacker = await registerUser(t);
    });
    after(async () => {
      if (!t) return;
      if (dropOnClose) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await t.close();
    });

    it('classifies every registered route with an id parameter (a new one fails until it is added here)', () => {
      const withIds = apiRoutes(t)
        .filter((r) => r.url.includes(':'))
        .map(key);
      expect(withIds.length).to.be.greaterThan(50);
      expect(
        withIds.filter((k) => !(k in ID_ROUTES)),
        'unclassified id routes',
      ).to.deep.equal([]);
      expect(
        Object.keys(ID_ROUTES).filter((k) => !withIds.includes(k)),
        'stale entries',
      ).to.deep.equal([]);
    });

    it("answers 403/404 on every route naming another user's object (both prefixes), never their data", async () => {
      const leaks: string[] = [];
      for (const [route, kind] of Object.entries(ID_ROUTES)) {
        if (kind.kind !== 'owned') continue;
        const [method, url] = route.split(' ') as [string, string];
        for (const prefix of ['', '/api']) {
          const path = prefix + fill(url, kind.ids(victim));
          const res = await t.request({
            method: method as 'GET',
            url: path,
            token: attacker.token,
            ...(kind.body !== undefined
              ? { body: kind.body }
              : method === 'GET' || method === 'DELETE'
                ? {}
                : { body: {} }),
          });
          const allowed = kind.noop ? [200, 403, 404] : [403, 404];
          if (kind.noop && res.body.includes(Object.values(kind.ids(victim))[0]!))
            leaks.push(`${method} ${path} shows the victim's object`);
          if (!allowed.includes(res.statusCode))
            leaks.push(`${method} ${path} -> ${res.statusCode} ${res.body.slice(0, 200)}`);
          for (const secret of [victim.shopper.user.email, victim.orderNumber, 'Private note', '1 MG Road'])
            if (res.body.includes(secret)) leaks.push(`${method} ${path} shows ${secret}`);
        }
      }
      expect(leaks).to.deep.equal([]);
    });

    it("leaves the victim's objects as they were after the probes", async () => {
      const get = async (url: string) => t.request({ method: 'GET', url, token: victim.shopper.token });
      const o = (await get(`/api/orders/${victim.orderId}`)).json().data;
      expect(o.status).to.equal('pending');
      const me = (await get('/api/auth/me')).json().data;
      const user = me.user ?? me;
      expect(user.addresses.map((a: { _id: string; street: string }) => [a._id, a.street])).to.deep.include([
        victim.addressId,
        '1 MG Road',
      ]);
      const cart = (await get('/api/cart')).json().data;
      expect(
        (cart.cart ?? cart).items.map((i: { _id: string; quantity: number }) => [i._id, i.quantity]),
      ).to.deep.equal([[victim.cartItemId, 1]]);
      const saved = (await get('/api/search/saved')).json().data;
      expect(JSON.stringify(saved)).to.include(victim.savedSearchId);
      const share = (await get('/api/wishlist/share')).json().data;
      expect(JSON.stringify(share)).to.include('active');
      expect((await get(`/api/notifications/${victim.notificationId}`)).statusCode).to.equal(200);
      // the session another shopper tried to revoke still signs the victim in
      const sessions = (await get('/api/auth/sessions')).json().data.sessions as { id: string }[];
      expect(sessions.map((s) => s.id)).to.include(victim.sessionId);
      const reviews = await t.request({
        method: 'GET',
        url: `/api/admin/reviews?status=pending`,
        token: admin,
      });
      expect(reviews.body).to.include(victim.reviewId).and.not.include('Edited by somebody else');
    });

    it("a shopper's list operations never touch another shopper's list", async () => {
      for (const [route, kind] of Object.entries(ID_ROUTES)) {
        if (kind.kind !== 'own-list' || !route.startsWith('DELETE')) continue;
        const url = fill(route.split(' ')[1]!, { productId: victim.productId });
        expect((await t.request({ method: 'DELETE', url, token: attacker.token })).statusCode).to.be.below(
          500,
        );
      }
      const wishlist = (await t.request({ method: 'GET', url: '/api/wishlist', token: victim.shopper.token }))
        .body;
      expect(wishlist).to.include(victim.productId);
    });

    it('refuses a shopper (403) on every id route classified admin', async () => {
      const wrong: string[] = [];
      for (const [route, kind] of Object.entries(ID_ROUTES)) {
        if (kind.kind !== 'admin') continue;
        const [method, url] = route.split(' ') as [string, string];
        const res = await t.request({
          method: method as 'GET',
          url: fill(url, { id: victim.productId, productId: victim.productId }),
          token: attacker.token,
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: ADMIN_BODIES[route] ?? {} }),
        });
        if (res.statusCode !== 403) wrong.push(`${route} -> ${res.statusCode}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  };
}

describe(
  'OWASP API1 object-level authorization (embedded default)',
  bolaSuite(() => ({}), false),
);
describeWith(
  ['mongo'],
  'OWASP API1 object-level authorization on MongoDB',
  bolaSuite(() => ({ MONGODB_URI: mongoTestUri('owasp-api1') }), true),
);
