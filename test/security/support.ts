/**
 * Shared helpers of the OWASP API Security Top 10 probes (test/security/*): the app's own route
 * list, ids substituted into route templates, and a shopper with some objects of their own.
 */
import webpush from 'web-push';
import { ADDRESS } from '../support/kit.js';
import type { TestApp } from '../support/harness.js';
import { registerUser } from '../support/harness.js';
import { stockedProduct } from '../http/payments/kit.js';

const P256_KEY = webpush.generateVAPIDKeys().publicKey;

export interface Route {
  readonly method: string;
  readonly url: string;
}

/** Every API route the app registered (HEAD/OPTIONS and the /api/api mirror left out). */
export function apiRoutes(t: TestApp): Route[] {
  const seen = new Set<string>();
  const routes: Route[] = [];
  for (const r of t.app.registeredRoutes) {
    if (!r.url.startsWith('/api/') || r.url.startsWith('/api/api/') || r.url.startsWith('/api/docs'))
      continue;
    if (r.method === 'HEAD' || r.method === 'OPTIONS') continue;
    const key = `${r.method} ${r.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({ method: r.method, url: r.url });
  }
  return routes;
}

export const key = (r: Route): string => `${r.method} ${r.url}`;

/** The route's path with every `:param` replaced by `ids[param]` (or `fallback`). */
export function fill(
  url: string,
  ids: Record<string, string>,
  fallback = '0123456789abcdef01234567',
): string {
  return url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(ids[name] ?? fallback));
}

export type Shopper = Awaited<ReturnType<typeof registerUser>>;

/** A shopper who owns one of everything a shopper can own. */
export interface Owned {
  readonly shopper: Shopper;
  readonly productId: string;
  readonly orderId: string;
  readonly orderNumber: string;
  readonly addressId: string;
  readonly cartItemId: string;
  readonly reviewId: string;
  readonly savedSearchId: string;
  readonly shareToken: string;
  readonly bulkOperationId: string;
  readonly notificationId: string;
  /** The sign-in session of the shopper's token (GET /api/auth/sessions). */
  readonly sessionId: string;
}

async function ok<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  t: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const res = await t.request({ method, url, token, ...(body !== undefined ? { body } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

export async function shopperWithObjects(t: TestApp, adminToken: string): Promise<Owned> {
  const shopper = await registerUser(t);
  const token = shopper.token;
  const productId = await stockedProduct(t);
  const order = (
    await ok(t, 'POST', '/api/orders', token, {
      items: [{ product: productId, quantity: 1 }],
      shippingAddress: ADDRESS,
    })
  ).data;
  const address = await ok(t, 'POST', '/api/users/addresses', token, {
    street: ADDRESS.street,
    city: ADDRESS.city,
    state: ADDRESS.state,
    zipCode: ADDRESS.zipCode,
    country: ADDRESS.country,
  });
  const addresses = address.data.addresses ?? address.data.user?.addresses ?? address.data;
  const addressId = (Array.isArray(addresses) ? addresses.at(-1)._id : addresses._id) as string;
  const cart = await ok(t, 'POST', '/api/cart', token, { productId, quantity: 1 });
  const cartItemId = (cart.data.cart ?? cart.data).items[0]._id as string;
  const review = await ok(t, 'POST', `/api/products/${productId}/reviews`, token, {
    rating: 5,
    title: 'Lovely roses',
    comment: 'They arrived fresh and lasted two weeks.',
  });
  const reviewId = (review.data.review ?? review.data)._id as string;
  const saved = await ok(t, 'POST', '/api/search/save', token, { name: 'roses', query: 'roses' });
  const savedSearchId = saved.data.savedSearch.id as string;
  await ok(t, 'POST', `/api/wishlist/${productId}`, token);
  const share = await ok(t, 'POST', '/api/wishlist/share', token, {});
  const shareToken = (share.data.share ?? share.data).token as string;
  const bulk = await ok(t, 'POST', '/api/wishlist/bulk/operations', token, {
    action: 'remove',
    productIds: [productId],
  });
  const bulkOperationId = bulk.data.operationId as string;
  await ok(t, 'POST', `/api/wishlist/${productId}`, token);
  const mail = await ok(t, 'POST', '/api/notifications/email', adminToken, {
    to: shopper.user._id,
    subject: 'Your bouquet',
    body: 'Private note for this shopper only',
  });
  const notificationId = (mail.data.notification ?? mail.data)._id as string;
  const sessions = await ok(t, 'GET', '/api/auth/sessions', token);
  const sessionId = (sessions.data.sessions as { id: string; current: boolean }[]).find((s) => s.current)!.id;
  return {
    shopper,
    productId,
    orderId: order._id,
    orderNumber: order.orderNumber,
    addressId,
    cartItemId,
    reviewId,
    savedSearchId,
    shareToken,
    bulkOperationId,
    notificationId,
    sessionId,
  };
}

type Schema = {
  readonly type?: string | string[];
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly minItems?: number;
  readonly minProperties?: number;
  readonly items?: Schema;
  readonly default?: unknown;
};

/** A value the JSON schema (a route's TypeBox body) accepts, as far as a simple walk can tell. */
export function sample(schema: Schema | undefined): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return sample(union.find((s) => s.type !== 'null') ?? union[0]);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s) as object));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const names = [...(schema.required ?? [])];
      if (names.length < (schema.minProperties ?? 0)) names.push(...Object.keys(schema.properties ?? {}));
      for (const name of names.slice(0, Math.max(schema.required?.length ?? 0, schema.minProperties ?? 0)))
        out[name] = sample(schema.properties?.[name]);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items));
    case 'integer':
    case 'number':
      return Math.max(1, Math.ceil(schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1));
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'email') return 'sample@example.com';
      if (schema.format === 'date-time') return '2099-01-01T00:00:00.000Z';
      if (schema.format === 'date') return '2099-01-01';
      if (schema.format === 'uri') return 'https://example.com/x';
      if (schema.format === 'push-endpoint') return 'https://fcm.googleapis.com/fcm/send/sample-endpoint';
      if (schema.format === 'p256-public-key') return P256_KEY;
      if (schema.format === 'push-auth-secret') return Buffer.alloc(16, 7).toString('base64url');
      const p = schema.pattern ?? '';
      if (p.includes('0-9a-f') || p.includes('0-9a-fA-F') || p.includes('a-fA-F0-9'))
        return '0123456789abcdef01234567';
      if (p.includes('\\d{4}-')) return '2099-01-01';
      return 'sample'.padEnd(schema.minLength ?? 1, 'x');
    }
    default:
      return {};
  }
}

/** A body the route's schema accepts (undefined for routes without one). */
export function validBody(t: TestApp, route: Route): unknown {
  const found = t.app.registeredRoutes.find((r) => r.method === route.method && r.url === route.url);
  const body = (found?.schema as { body?: Schema } | undefined)?.body;
  return body ? sample(body) : undefined;
}
