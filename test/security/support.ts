/**
 * Shared helpers of the OWASP API Security Top 10 probes (test/security/*): the app's own route
 * list, ids substituted into route templates, and a shopper with some objects of their own.
 */
import { ADDRESS } from '../support/kit.js';
import type { TestApp } from '../support/harness.js';
import { registerUser } from '../support/harness.js';
import { stockedProduct } from '../http/payments/kit.js';

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
  };
}
