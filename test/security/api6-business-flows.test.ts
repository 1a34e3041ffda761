import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../support/harness.js';
import { ADDRESS, aProduct } from '../support/kit.js';
import { describeWith, mongoTestUri } from '../support/services.js';

/**
 * API6:2023 Unrestricted Access to Sensitive Business Flows: what the shop enforces holds under
 * parallel requests: a promo is not redeemed past its limits, stock is not oversold, an order is
 * cancelled (and its stock returned) once, refunds are the admin's, and reviews are one per
 * shopper and product, marked verified only for delivered purchases.
 */
function flowsSuite(env: () => Record<string, string>, dropOnClose: boolean) {
  return function (this: Mocha.Suite) {
    this.timeout(90_000);
    let t: TestApp;
    let admin: string;
    let products: ProductRepository;

    before(async () => {
      t = await buildTestApp(env());
      admin = await loginAdmin(t);
      products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    });
    after(async () => {
      if (!t) return;
      if (dropOnClose) await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await t.close();
    });

    const product = (stock: number) =>
      products.create(
        aProduct({ price: 100000, inventory: { stock, lowStockThreshold: 1, isAvailable: true } }),
      );
    const order = (token: string, productId: string, extra: Record<string, unknown> = {}) =>
      t.request({
        method: 'POST',
        url: '/api/orders',
        token,
        body: { items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS, ...extra },
      });

    it('a single-use promo is redeemed once when one shopper places orders in parallel, and usageLimit holds across shoppers', async () => {
      const { id: productId } = await product(1000);
      const code = `ONCE${Date.now().toString(36).toUpperCase()}`;
      const created = await t.request({
        method: 'POST',
        url: '/api/promos',
        token: admin,
        body: { code, type: 'percentage', value: 50, perUserLimit: 1, usageLimit: 3 },
      });
      expect(created.statusCode, created.body).to.equal(201);
      const shopper = await registerUser(t);
      const mine = await Promise.all(
        Array.from({ length: 6 }, () => order(shopper.token, productId, { promoCode: code })),
      );
      expect(
        mine.filter((r) => r.statusCode === 201),
        'orders with the promo, one shopper',
      ).to.have.length(1);
      expect(
        mine.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 409 || r.statusCode === 400),
      ).to.equal(true);

      const others = await Promise.all(Array.from({ length: 5 }, () => registerUser(t)));
      const theirs = await Promise.all(others.map((o) => order(o.token, productId, { promoCode: code })));
      expect(
        theirs.filter((r) => r.statusCode === 201),
        'usageLimit 3 in all',
      ).to.have.length(2);
    });

    it('stock is never oversold: 12 parallel orders for 4 units place exactly 4', async () => {
      const { id: productId } = await product(4);
      const shoppers = await Promise.all(Array.from({ length: 12 }, () => registerUser(t)));
      const answers = await Promise.all(shoppers.map((s) => order(s.token, productId)));
      const placed = answers.filter((r) => r.statusCode === 201);
      expect(placed, 'placed').to.have.length(4);
      for (const r of answers.filter((a) => a.statusCode !== 201))
        expect(r.json().code).to.equal('INSUFFICIENT_STOCK');
      expect((await products.findById(productId))!.inventory.stock).to.equal(0);
    });

    it('an order is cancelled once when cancels race, its stock returned once; shoppers cannot refund or re-status it', async () => {
      const { id: productId } = await product(10);
      const shopper = await registerUser(t);
      const placed = await order(shopper.token, productId);
      expect(placed.statusCode).to.equal(201);
      const id = placed.json().data._id as string;
      expect((await products.findById(productId))!.inventory.stock).to.equal(9);
      const cancels = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.request({
            method: 'PUT',
            url: `/api/orders/${id}/cancel`,
            token: shopper.token,
            body: { reason: 'changed my mind' },
          }),
        ),
      );
      expect(
        cancels.filter((r) => r.statusCode === 200),
        'successful cancels',
      ).to.have.length(1);
      for (const r of cancels.filter((a) => a.statusCode !== 200))
        expect(r.json().code).to.equal('ORDER_NOT_CANCELLABLE');
      expect((await products.findById(productId))!.inventory.stock, 'stock returned once').to.equal(10);
      const refund = await t.request({
        method: 'POST',
        url: '/api/payments/refund',
        token: shopper.token,
        body: { orderId: id },
      });
      expect(refund.statusCode).to.equal(403);
      const status = await t.request({
        method: 'PUT',
        url: `/api/orders/${id}/status`,
        token: shopper.token,
        body: { status: 'delivered' },
      });
      expect(status.statusCode).to.equal(403);
      const after = (
        await t.request({ method: 'GET', url: `/api/orders/${id}`, token: shopper.token })
      ).json().data;
      expect(after.status).to.equal('cancelled');
    });

    it('reviews: one per shopper and product even in parallel, never "verified" without a delivered purchase', async () => {
      const { id: productId } = await product(10);
      const shopper = await registerUser(t);
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          t.request({
            method: 'POST',
            url: `/api/products/${productId}/reviews`,
            token: shopper.token,
            body: {
              rating: 5,
              title: `Great ${i}`,
              comment: 'Five stars from a shopper who never bought it.',
            },
          }),
        ),
      );
      expect(
        answers.filter((r) => r.statusCode === 201),
        'reviews created',
      ).to.have.length(1);
      expect(answers.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 409)).to.equal(true);
      const review = answers.find((r) => r.statusCode === 201)!.json().data;
      expect((review.review ?? review).isVerifiedPurchase).to.equal(false);
      expect((review.review ?? review).status ?? 'pending', 'not public before moderation').to.equal(
        'pending',
      );
      const listed = (await t.request({ method: 'GET', url: `/api/products/${productId}/reviews` })).json()
        .data;
      expect(listed.reviews, 'unmoderated reviews are not shown').to.deep.equal([]);
    });
  };
}

describe(
  'OWASP API6 sensitive business flows (embedded default)',
  flowsSuite(() => ({}), false),
);
describeWith(
  ['mongo'],
  'OWASP API6 sensitive business flows on MongoDB',
  flowsSuite(() => ({ MONGODB_URI: mongoTestUri('owasp-api6') }), true),
);
