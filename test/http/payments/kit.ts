import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { DEV_RAZORPAY_KEY_SECRET, DEV_STRIPE_WEBHOOK_SECRET } from '../../../bootstrap/config.js';
import type { TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct } from '../../support/kit.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';

const stripe = new Stripe('sk_test_unused');

const stocked = new WeakMap<TestApp, string>();

/** A product with plenty of stock, created once per app. */
export async function stockedProduct(t: TestApp): Promise<string> {
  let id = stocked.get(t);
  if (!id) {
    const product = await t.container.get<ProductRepository>(PRODUCT_REPOSITORY).create(
      aProduct({
        price: 125050,
        inventory: { stock: 100_000, lowStockThreshold: 1, isAvailable: true },
      }),
    );
    id = product.id;
    stocked.set(t, id);
  }
  return id;
}

/** Places an order of the stocked product through the API; answers the order JSON. */
export async function placeOrder(
  t: TestApp,
  token: string,
  quantity = 1,
): Promise<{ _id: string; total: number; orderNumber: string }> {
  const product = { _id: await stockedProduct(t) };
  const res = await t.request({
    method: 'POST',
    url: '/api/orders',
    token,
    body: {
      items: [{ product: product._id, quantity }],
      shippingAddress: ADDRESS,
    },
  });
  if (res.statusCode !== 201) throw new Error(`order not placed: ${res.statusCode} ${res.body}`);
  return res.json().data;
}

let eventCounter = 0;

/** A Stripe-format event, signed like Stripe does (the SDK's own test-header helper). */
export function signedEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; secret?: string; timestamp?: number } = {},
): { payload: string; header: string; id: string } {
  eventCounter += 1;
  const id = options.id ?? `evt_test_${Date.now()}_${eventCounter}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    data: { object },
  });
  const header = stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? DEV_STRIPE_WEBHOOK_SECRET,
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  });
  return { payload, header, id };
}

export async function deliver(t: TestApp, event: { payload: string; header?: string }) {
  return t.app.inject({
    method: 'POST',
    url: '/api/payments/webhook',
    headers: {
      'content-type': 'application/json',
      ...(event.header !== undefined ? { 'stripe-signature': event.header } : {}),
    },
    payload: event.payload,
  });
}

/** What the checkout widget hands the storefront after a payment (signature with the dev secret). */
export function razorpaySignature(
  orderId: string,
  paymentId: string,
  secret = DEV_RAZORPAY_KEY_SECRET,
): string {
  return createHmac('sha256', secret).update(`${orderId}|${paymentId}`).digest('hex');
}
