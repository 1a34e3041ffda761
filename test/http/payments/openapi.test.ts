import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../support/harness.js';

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  responses?: Record<string, unknown>;
}

describe('OpenAPI: the payment endpoints', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;
  before(async () => {
    t = await buildTestApp();
    paths = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json().paths;
  });
  after(async () => t.close());

  it('describes every payment route', () => {
    const expected = [
      ['post', '/api/payments/create-intent'],
      ['post', '/api/payments/confirm'],
      ['post', '/api/payments/webhook'],
      ['get', '/api/payments/methods'],
      ['post', '/api/payments/methods'],
      ['post', '/api/payments/methods/setup-intent'],
      ['get', '/api/payments/status/{orderId}'],
      ['post', '/api/payments/refund'],
      ['post', '/api/payments/create-order'],
      ['post', '/api/payments/verify'],
    ] as const;
    for (const [method, path] of expected) {
      const op = paths[path]?.[method];
      expect(op, `${method} ${path}`).to.not.equal(undefined);
      expect(op!.summary).to.be.a('string');
    }
    expect(paths['/api/payments/confirm']!.post!.responses).to.have.property('402');
    expect(paths['/api/payments/create-intent']!.post!.security).to.deep.equal([{ bearerAuth: [] }]);
  });

  it("documents the webhook's Stripe-Signature header and the events handled; it is public", () => {
    const op = paths['/api/payments/webhook']!.post!;
    expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'stripe-signature')).to.equal(true);
    for (const type of ['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded']) {
      expect(op.description).to.include(type);
    }
    expect(op.security).to.equal(undefined);
  });
});
