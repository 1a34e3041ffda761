import { expect } from 'chai';
import sinon from 'sinon';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { PlaceOrder, type PlaceOrderLines } from '../../../application/ordering/place-order.js';
import { orderLinesFromBody } from '../../../adapters/http/ordering/order-lines.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct } from '../../support/kit.js';

const P1 = 'a00000000000000000000001';
const P2 = 'a00000000000000000000002';

describe('http/ordering: the edge decides where an order’s lines come from (compat 13)', () => {
  describe('orderLinesFromBody', () => {
    it('items that all name their product are the request kind, with option names and no client fields', () => {
      expect(
        orderLinesFromBody([
          {
            product: P1,
            quantity: 2,
            size: { name: 'deluxe', price: 1 },
            vase: 'premium',
            personalNote: 'Love you',
            price: 1,
            name: 'x',
            image: 'y',
            productId: P1,
          },
          { product: P2, quantity: 1 },
        ]),
      ).to.deep.equal({
        from: 'request',
        items: [
          { productId: P1, quantity: 2, size: 'deluxe', vase: 'premium', personalNote: 'Love you' },
          { productId: P2, quantity: 1 },
        ],
      });
    });

    it('a line without `product` (moved from the wishlist, `productId` only) makes it the cart kind', () => {
      expect(orderLinesFromBody([{ productId: P1, quantity: 1, price: 500 }])).to.deep.equal({
        from: 'cart',
      });
      expect(
        orderLinesFromBody([
          { product: P1, quantity: 1 },
          { productId: P2, quantity: 1 },
        ]),
      ).to.deep.equal({ from: 'cart' });
    });

    it('no items, or an empty list, is the cart kind', () => {
      expect(orderLinesFromBody(undefined)).to.deep.equal({ from: 'cart' });
      expect(orderLinesFromBody([])).to.deep.equal({ from: 'cart' });
    });
  });

  describe('POST /api/orders hands the use case the kind', () => {
    let t: TestApp;
    let token: string;
    let seen: PlaceOrderLines[];

    before(async () => {
      t = await buildTestApp();
      token = (await registerUser(t)).token;
      const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      await products.create(aProduct({ id: P1 }));
    });
    beforeEach(() => {
      seen = [];
      const placeOrder = t.container.get(PlaceOrder);
      const real = placeOrder.execute.bind(placeOrder);
      sinon.stub(placeOrder, 'execute').callsFake(async (input) => {
        seen.push(input.lines);
        return real(input);
      });
    });
    afterEach(() => sinon.restore());
    after(async () => {
      await t.close();
    });

    const post = (body: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/orders', token, body: { shippingAddress: ADDRESS, ...body } });

    it('the checkout’s lines with product ids: request', async () => {
      const res = await post({ items: [{ product: P1, quantity: 1, size: { name: 'deluxe' } }] });
      expect(res.statusCode, res.body).to.equal(201);
      expect(res.json().data.source).to.equal('request');
      expect(seen).to.deep.equal([
        { from: 'request', items: [{ productId: P1, quantity: 1, size: 'deluxe' }] },
      ]);
    });

    it('a line without a product id, an empty list, or no items: cart', async () => {
      for (const body of [
        {
          items: [
            { product: P1, quantity: 1 },
            { productId: P1, quantity: 1 },
          ],
        },
        { items: [] },
        {},
      ]) {
        const res = await post(body);
        // The server cart is empty here: the cart kind answers EMPTY_ORDER, never a request placement.
        expect(res.statusCode, res.body).to.equal(400);
        expect(res.json().code).to.equal('EMPTY_ORDER');
      }
      expect(seen).to.deep.equal([{ from: 'cart' }, { from: 'cart' }, { from: 'cart' }]);
    });
  });
});
