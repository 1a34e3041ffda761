import { expect } from 'chai';
import { useCallers, type Caller } from './callers.js';

/**
 * Issue 8, "numbers at the edges": `?subtotal=1e308` answered `total: null` and review lists took
 * `page=1e25`. Every numeric input is bounded; each row sends values past a bound and expects a
 * 400 that names the field. A second test walks every route's request schemas, so a numeric input
 * added later without bounds fails here too.
 */

const ID = '65a1b2c3d4e5f60718293a4b';
type Value = number | string;

interface Row {
  readonly route: string;
  /** The field as the error names it, e.g. `querystring.page` or `body.items.0.quantity`. */
  readonly field: string;
  readonly as: Caller;
  /** Values past a bound (each must be refused). */
  readonly bad: readonly Value[];
  readonly send: (v: Value) => { method: 'GET' | 'POST' | 'PUT'; url: string; body?: unknown };
}

const HUGE = [1e308, 1e25];
const HUGE_Q = ['1e308', '1e+25', 'Infinity', '-Infinity'];

function query(route: string, name: string, as: Caller, bad: readonly Value[] = HUGE_Q): Row {
  const [, path] = route.split(' ') as [string, string];
  const sep = path.includes('?') ? '&' : '?';
  return {
    route,
    field: `querystring.${name}`,
    as,
    bad,
    send: (v) => ({ method: 'GET', url: `${path}${sep}${name}=${encodeURIComponent(String(v))}` }),
  };
}

/** Sets `value` at a dotted path of a copy of `base`. */
function at(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return copy;
}

function body(route: string, path: string, as: Caller, bad: readonly Value[], base: unknown = {}): Row {
  const [method, url] = route.split(' ') as ['POST' | 'PUT', string];
  return { route, field: `body.${path}`, as, bad, send: (v) => ({ method, url, body: at(base, path, v) }) };
}

const integer = (extra: Value[] = []) => [...HUGE, 1.5, ...extra];
const address = { fullName: 'F', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' };
const order = { items: [{ product: ID, quantity: 1, price: 10 }], shippingAddress: address, subtotal: 10 };
const product = {
  name: 'N',
  description: 'D',
  price: 10,
  category: ID,
  inventory: { stock: 1, lowStockThreshold: 1 },
  images: [{ url: 'https://img.example/a.jpg', width: 10 }],
  sizes: [{ name: 'S', price: 1 }],
};
const promo = { code: 'EDGE10', type: 'percentage', value: 10 };

const ROWS: Row[] = [
  // query strings
  query('GET /api/products', 'page', 'shopper', [...HUGE_Q, '1.5', '0']),
  query('GET /api/products', 'limit', 'shopper', [...HUGE_Q, '1.5', '0']),
  query('GET /api/products', 'minPrice', 'shopper', [...HUGE_Q, '-1']),
  query('GET /api/products', 'maxPrice', 'shopper'),
  query('GET /api/products/search', 'minPrice', 'shopper'),
  query('GET /api/products/featured', 'limit', 'shopper'),
  query('GET /api/admin/products', 'page', 'admin'),
  query(`GET /api/products/${ID}/reviews`, 'page', 'shopper', [...HUGE_Q, '1.5', '0']),
  query(`GET /api/products/${ID}/reviews`, 'limit', 'shopper'),
  query('GET /api/admin/reviews', 'page', 'admin'),
  query('GET /api/admin/activity-logs', 'page', 'admin'),
  query('GET /api/admin/orders', 'page', 'admin'),
  query('GET /api/orders/admin/all', 'page', 'admin'),
  query('GET /api/inventory/movements', 'page', 'admin'),
  query('GET /api/promos/validate/SPRING10', 'subtotal', 'shopper', [...HUGE_Q, '-1']),
  // bodies
  body('POST /api/cart', 'quantity', 'shopper', integer([0, -1]), { productId: ID }),
  body(`PUT /api/cart/${ID}`, 'quantity', 'shopper', integer([0])),
  body(`POST /api/wishlist/${ID}/move-to-cart`, 'quantity', 'shopper', integer([0])),
  body(`POST /api/wishlist/${ID}/move-to-cart`, 'price', 'shopper', HUGE),
  body('POST /api/orders', 'items.0.quantity', 'shopper', integer([0]), order),
  body('POST /api/orders', 'items.0.price', 'shopper', HUGE, order),
  body('POST /api/orders', 'subtotal', 'shopper', HUGE, order),
  body('POST /api/admin/products', 'price', 'admin', HUGE, product),
  body('POST /api/admin/products', 'originalPrice', 'admin', HUGE, product),
  body('POST /api/admin/products', 'inventory.stock', 'admin', integer(), product),
  body('POST /api/admin/products', 'inventory.lowStockThreshold', 'admin', integer([-1]), product),
  body('POST /api/admin/products', 'images.0.width', 'admin', integer([-1]), product),
  body('POST /api/admin/products', 'sizes.0.price', 'admin', [...HUGE, -1], product),
  body('POST /api/products', 'price', 'admin', HUGE, product),
  body(`PUT /api/admin/products/${ID}`, 'price', 'admin', HUGE, { price: 1 }),
  body('PUT /api/admin/products/bulk-update', 'updates.price', 'admin', HUGE, {
    productIds: [ID],
    updates: { price: 1 },
  }),
  body('POST /api/categories', 'displayOrder', 'admin', integer(), { name: 'Edge' }),
  body(`PUT /api/inventory/${ID}/stock`, 'set', 'admin', integer([-1])),
  body(`PUT /api/inventory/${ID}/stock`, 'adjust', 'admin', integer([-1e25])),
  body(`PUT /api/products/${ID}/stock`, 'stock', 'admin', integer([-1])),
  body('POST /api/inventory/restock', 'quantity', 'admin', integer([0]), { productId: ID }),
  body('PUT /api/inventory/bulk-update', 'updates.0.stock', 'admin', integer([-1]), {
    updates: [{ productId: ID, stock: 1 }],
  }),
  body('POST /api/promos', 'value', 'admin', [...HUGE, -1], promo),
  body('POST /api/promos', 'minOrderAmount', 'admin', [...HUGE, -1], promo),
  body('POST /api/promos', 'maxDiscount', 'admin', HUGE, promo),
  body('POST /api/promos', 'usageLimit', 'admin', integer([0]), promo),
  body('POST /api/promos', 'perUserLimit', 'admin', integer([0]), promo),
  body('POST /api/payments/refund', 'amount', 'admin', [...HUGE, 0, -1], { orderId: ID }),
  body('POST /api/location/check-serviceable', 'coordinates.lat', 'shopper', [...HUGE, -91], {
    city: 'Pune',
    coordinates: { lat: 1 },
  }),
  body('POST /api/location/reverse-geocode', 'latitude', 'shopper', [...HUGE, 91], {
    latitude: 1,
    longitude: 1,
  }),
  body('POST /api/location/reverse-geocode', 'longitude', 'shopper', [...HUGE, -181], {
    latitude: 1,
    longitude: 1,
  }),
  body(`POST /api/products/${ID}/reviews`, 'rating', 'shopper', integer([0, 6]), { comment: 'c' }),
];

describe('HTTP edge: every numeric input is bounded (issue 8)', () => {
  const c = useCallers();

  it('?subtotal=1e308 is a 400 naming subtotal, not a null total', async () => {
    const res = await c.t.request({
      method: 'GET',
      url: '/api/promos/validate/SPRING10?subtotal=1e308',
      token: c.tokens.shopper,
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json().errors).to.deep.include({
      field: 'querystring.subtotal',
      message: 'must be <= 10000000',
    });
  });

  it('a review list page of 1e+25 is a 400 naming page', async () => {
    const res = await c.t.request({ method: 'GET', url: `/api/products/${ID}/reviews?page=1e%2B25` });
    expect(res.statusCode).to.equal(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).to.include('querystring.page');
  });

  it('a number too large for a double (1e400 parses to Infinity) is refused in a body', async () => {
    const res = await c.t.app.inject({
      method: 'POST',
      url: '/api/cart',
      headers: { authorization: `Bearer ${c.tokens.shopper}`, 'content-type': 'application/json' },
      payload: `{"productId":"${ID}","quantity":1e400}`,
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).to.include('body.quantity');
  });

  it('refuses huge, fractional and out-of-range values of each numeric input with a 400 naming it', async () => {
    const failures: string[] = [];
    for (const row of ROWS) {
      for (const value of row.bad) {
        const req = row.send(value);
        const res = await c.t.request({
          ...req,
          token: c.tokens[row.as],
          headers: { 'x-admin-confirmation': 'confirmed' },
          sign: true, // the bulk updates are signed operations
        });
        // The location routes answer raw `{error}` (compat); every other route the envelope.
        const json = res.json();
        const text = String(json.message ?? json.error ?? '');
        if (res.statusCode !== 400 || !text.includes(`${row.field} `)) {
          failures.push(`${row.route} ${row.field}=${value} -> ${res.statusCode} ${text.slice(0, 160)}`);
        }
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('keeps the compat messages of the rules for prices and stock at or below zero', async () => {
    const res = await c.t.request({
      method: 'POST',
      url: '/api/admin/products',
      token: c.tokens.admin,
      body: { ...product, price: -1e308 },
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json().message).to.equal('Price must be greater than 0');
  });

  it('every numeric field of every request schema carries a maximum, and a minimum unless a rule owns it', () => {
    // Lower bounds that are domain rules with compat messages (`Price must be greater than 0`,
    // `Inventory stock cannot be negative`, `Original price must be greater than 0`).
    const RULE_OWNS_MINIMUM = /(^|\.)(price|originalPrice|stock)(\.anyOf\.\d+)?$/;
    const problems: string[] = [];
    const walk = (node: unknown, path: string, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}.${i}`, where));
      if (node === null || typeof node !== 'object') return;
      const s = node as Record<string, unknown>;
      if (s.type === 'number' || s.type === 'integer') {
        const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
        if (!finite(s.maximum)) problems.push(`${where} ${path}: no maximum`);
        if (!finite(s.minimum) && !RULE_OWNS_MINIMUM.test(path.replace(/\.properties/g, ''))) {
          problems.push(`${where} ${path}: no minimum`);
        }
      }
      for (const [k, v] of Object.entries(s)) walk(v, path ? `${path}.${k}` : k, where);
    };
    const routes = c.t.app.registeredRoutes.filter((r) => r.url.startsWith('/api/'));
    for (const route of routes) {
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      for (const part of ['body', 'querystring', 'params', 'headers']) {
        walk(schema[part], '', `${route.method} ${route.url} ${part}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
