import { expect } from 'chai';
import { PLAIN_TEXT_KEYWORD } from '../../../adapters/http/schemas.js';
import { isPlainText } from '../../../domain/shared/text.js';
import { registerUser } from '../../support/harness.js';
import { useCallers, type Caller } from './callers.js';

/**
 * Issue 8: NUL bytes, lone surrogates and bidirectional overrides were stored in names and
 * category names. Every stored free-text field refuses control characters (multi-line texts may
 * hold tab, line feed and carriage return), the bidi embeddings/overrides/isolates and unpaired
 * surrogates with a 400 naming the field; ordinary international text still passes.
 */

const ID = '65a1b2c3d4e5f60718293a4b';

/** Refused everywhere. */
const ALWAYS_BAD: Record<string, string> = {
  NUL: 'Ro\u0000ses',
  ESC: 'Ro\u001b[31mses',
  DEL: 'Ro\u007fses',
  'C1 NEL': 'Ro\u0085ses',
  'lone high surrogate': 'Ro\ud800ses',
  'lone low surrogate': 'Roses\udc00',
  RLO: 'Ro\u202eses',
  LRE: '\u202aRoses',
  PDI: 'Roses\u2069',
};
/** Refused in one-line fields only. */
const LINE_BREAKS: Record<string, string> = { LF: 'Ro\nses', CR: 'Ro\rses', TAB: 'Ro\tses' };
/** Accepted everywhere: accents, emoji (a surrogate pair), Arabic with its right-to-left mark. */
const GOOD = 'Rosé 🌹 ورد\u200f';

interface Field {
  readonly route: string;
  readonly path: string;
  readonly as: Caller;
  readonly multiLine: boolean;
  readonly base?: unknown;
}

function at(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base ?? {}) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return copy;
}

const address = { fullName: 'F', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' };
const order = { items: [{ product: ID, quantity: 1 }], shippingAddress: address };
const product = {
  name: 'N',
  description: 'D',
  price: 10,
  category: ID,
  tags: ['t'],
  images: [{ url: 'https://img.example/a.jpg', alt: 'a' }],
  sizes: [{ name: 'S', price: 1, description: 'd' }],
  seo: { title: 't', description: 'd' },
};
const one = (route: string, path: string, as: Caller, base?: unknown): Field => ({
  route,
  path,
  as,
  multiLine: false,
  base,
});
const multi = (route: string, path: string, as: Caller, base?: unknown): Field => ({
  route,
  path,
  as,
  multiLine: true,
  base,
});

const FIELDS: Field[] = [
  one('POST /api/auth/register', 'fullName', 'shopper', {
    fullName: 'F',
    email: 'e@x.io',
    password: 'secret1',
  }),
  one('PUT /api/auth/updatedetails', 'fullName', 'shopper'),
  one('PUT /api/auth/updatedetails', 'phone', 'shopper'),
  one('POST /api/users/addresses', 'city', 'shopper', address),
  multi('POST /api/users/addresses', 'street', 'shopper', address),
  one('POST /api/categories', 'name', 'admin', { name: 'C' }),
  multi('POST /api/categories', 'description', 'admin', { name: 'C' }),
  one('POST /api/categories', 'image.alt', 'admin', { name: 'C', image: { url: 'https://i.example/c.jpg' } }),
  one(`PUT /api/categories/${ID}`, 'name', 'admin'),
  one('POST /api/admin/products', 'name', 'admin', product),
  multi('POST /api/admin/products', 'description', 'admin', product),
  one('POST /api/admin/products', 'tags.0', 'admin', product),
  one('POST /api/admin/products', 'images.0.alt', 'admin', product),
  one('POST /api/admin/products', 'sizes.0.name', 'admin', product),
  multi('POST /api/admin/products', 'sizes.0.description', 'admin', product),
  one('POST /api/admin/products', 'seo.title', 'admin', product),
  multi('POST /api/admin/products', 'careInstructions', 'admin', product),
  one('POST /api/products', 'name', 'admin', product),
  one(`PUT /api/admin/products/${ID}`, 'name', 'admin'),
  one('PUT /api/admin/products/bulk-update', 'updates.name', 'admin', { productIds: [ID], updates: {} }),
  one(`POST /api/admin/products/${ID}/images`, 'alt', 'admin', {
    url: 'https://i.example/a.jpg',
    public_id: 'p',
  }),
  one(`POST /api/products/${ID}/reviews`, 'title', 'shopper', { rating: 5, comment: 'c' }),
  multi(`POST /api/products/${ID}/reviews`, 'comment', 'shopper', { rating: 5 }),
  multi(`PUT /api/reviews/${ID}`, 'comment', 'shopper'),
  one('POST /api/orders', 'shippingAddress.fullName', 'shopper', order),
  multi('POST /api/orders', 'shippingAddress.street', 'shopper', order),
  multi('POST /api/orders', 'notes', 'shopper', order),
  multi('POST /api/orders', 'items.0.personalNote', 'shopper', order),
  one('POST /api/orders', 'items.0.size', 'shopper', order),
  multi('POST /api/cart', 'personalNote', 'shopper', { productId: ID }),
  one('POST /api/cart', 'size', 'shopper', { productId: ID }),
  multi(`POST /api/wishlist/${ID}/move-to-cart`, 'personalNote', 'shopper'),
  multi('POST /api/promos', 'description', 'admin', { code: 'EDGE10', type: 'percentage', value: 10 }),
  one(`PUT /api/inventory/${ID}/stock`, 'reason', 'admin', { set: 1 }),
  one('POST /api/inventory/restock', 'reference', 'admin', { productId: ID, quantity: 1 }),
  one(`PUT /api/admin/orders/${ID}/status`, 'trackingNumber', 'admin', { status: 'shipped' }),
  multi(`PUT /api/admin/orders/${ID}/status`, 'statusMessage', 'admin', { status: 'shipped' }),
  multi(`PUT /api/orders/${ID}/cancel`, 'reason', 'shopper'),
  multi('POST /api/payments/refund', 'reason', 'admin', { orderId: ID }),
];

describe('HTTP edge: stored text refuses control and bidi-override characters (issue 8)', () => {
  const c = useCallers();

  const send = (f: Field, value: string) => c.send(f.route, f.as, at(f.base, f.path, value));

  it('refuses each forbidden character in each text field with a 400 naming the field', async () => {
    const failures: string[] = [];
    for (const f of FIELDS) {
      const bad = f.multiLine ? ALWAYS_BAD : { ...ALWAYS_BAD, ...LINE_BREAKS };
      for (const [name, value] of Object.entries(bad)) {
        const res = await send(f, value);
        const errors: { field: string; message: string }[] = res.json().errors ?? [];
        const named = errors.some(
          (e) => e.field === `body.${f.path}` && e.message.startsWith('must not contain control characters'),
        );
        if (res.statusCode !== 400 || !named) {
          failures.push(`${f.route} ${f.path} with ${name} -> ${res.statusCode} ${res.body.slice(0, 160)}`);
        }
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('lets international text through every field, and line breaks through multi-line ones', async () => {
    const failures: string[] = [];
    for (const f of FIELDS) {
      for (const value of f.multiLine ? [GOOD, 'line 1\r\nline 2\n\tindented'] : [GOOD]) {
        const res = await send(f, value);
        const named = ((res.json().errors ?? []) as { field: string }[]).some(
          (e) => e.field === `body.${f.path}`,
        );
        if (named)
          failures.push(`${f.route} ${f.path} refused ${JSON.stringify(value)}: ${res.body.slice(0, 160)}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('stores names, category names and multi-line descriptions as sent when they are clean', async () => {
    const shopper = await registerUser(c.t, { fullName: 'Zoë 🌹 ورد' });
    expect(shopper.user.fullName).to.equal('Zoë 🌹 ورد');
    const category = await c.t.request({
      method: 'POST',
      url: '/api/categories',
      token: c.tokens.admin,
      body: { name: 'Edge Blooms 🌹', description: 'Red\nand white' },
    });
    expect(category.statusCode, category.body).to.equal(201);
    expect(category.json().data.category).to.include({
      name: 'Edge Blooms 🌹',
      description: 'Red\nand white',
    });
  });

  it('does not store a NUL, a lone surrogate or an override in a name or a category name', async () => {
    for (const name of ['Mal\u0000lory', 'Mal\ud800lory', 'Mal\u202elory']) {
      const user = await c.t.request({
        method: 'POST',
        url: '/api/auth/register',
        body: { fullName: name, email: `m${name.charCodeAt(3)}@x.io`, password: 'secret1' },
      });
      expect(user.statusCode).to.equal(400);
      const category = await c.t.request({
        method: 'POST',
        url: '/api/categories',
        token: c.tokens.admin,
        body: { name },
      });
      expect(category.statusCode).to.equal(400);
    }
    const list = await c.t.request({ method: 'GET', url: '/api/categories' });
    for (const c of list.json().data.categories as { name: string }[])
      expect(isPlainText(c.name)).to.equal(true);
  });

  it('every string of every request body is plain text, an image URL, a pattern, an enum, or listed here', () => {
    // Not stored or not shown (passwords, client copies that are ignored, lookups by code or id,
    // gateway ids checked by signature), or checked by the domain as an id.
    const EXEMPT = new Set([
      'password',
      'currentPassword',
      'newPassword',
      'code',
      'category',
      'category.anyOf.0',
      'parentCategory.anyOf.0',
      'updates.category.anyOf.0',
      'items.items.productId.anyOf.0',
      'items.items.name',
      'items.items.image',
      'price.anyOf.1',
      'amount.anyOf.1',
      'orderId',
      'currency',
      'razorpay_order_id',
      'razorpay_payment_id',
      'razorpay_signature',
      '/api/location/check-serviceable city',
      '/api/location/check-serviceable state',
      'promoCode',
    ]);
    const problems: string[] = [];
    const walk = (node: unknown, path: string, where: string, url: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}.${i}`, where, url));
      if (node === null || typeof node !== 'object') return;
      const s = node as Record<string, unknown>;
      const name = path.replace(/\.properties/g, '').replace(/^\./, '');
      if (s.type === 'string') {
        const checked =
          s[PLAIN_TEXT_KEYWORD] !== undefined ||
          s.format !== undefined ||
          s.pattern !== undefined ||
          s.enum !== undefined ||
          s.const !== undefined;
        if (!checked && !EXEMPT.has(name) && !EXEMPT.has(`${url} ${name}`)) problems.push(`${where} ${name}`);
      }
      for (const [k, v] of Object.entries(s)) walk(v, `${path}.${k}`, where, url);
    };
    for (const route of c.t.app.registeredRoutes.filter((r) => r.url.startsWith('/api/'))) {
      const body = ((route.schema ?? {}) as { body?: { content?: Record<string, { schema: unknown }> } })
        .body;
      const schema = body?.content ? Object.values(body.content)[0]?.schema : body;
      walk(schema, '', `${route.method} ${route.url}`, route.url);
    }
    expect(problems).to.deep.equal([]);
  });
});
