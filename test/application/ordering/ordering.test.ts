import { recordPayment, recordRefund } from '../../../domain/ordering/order-payment.js';
import { expect } from 'chai';
import sinon from 'sinon';
import { Err } from '../../../domain/shared/result.js';
import { domainError } from '../../../domain/shared/errors.js';
import type { Order } from '../../../domain/ordering/order.js';
import { FIXED_NOW, aProduct, testId } from '../../support/kit.js';
import { makeKit, ScriptedRandom, type Kit } from './kit.js';

describe('application/ordering: PlaceOrder', () => {
  let k: Kit;
  let userId: string;
  beforeEach(() => {
    k = makeKit();
    userId = testId();
  });

  it('places an order from the request items, priced from the catalog, and takes the stock', async () => {
    const roses = await k.addProduct({
      name: 'Roses',
      price: 129900,
      inventory: { stock: 10, lowStockThreshold: 2, isAvailable: true },
    });
    const lilies = await k.addProduct({ name: 'Lilies', price: 99900, images: [] });
    const result = await k.place.execute(
      k.input(userId, {
        items: [
          {
            productId: roses.id,
            quantity: 2,
            size: 'Deluxe',
            vase: 'premium',
            personalNote: ' Happy birthday ',
          },
          { productId: lilies.id, quantity: 1 },
        ],
        shippingMethod: 'express',
      }),
    );
    expect(result.isOk(), result.isErr() ? result.error.message : '').to.equal(true);
    const { order, source } = result.unwrap();
    expect(source).to.equal('request');
    expect(order.source).to.equal('request');
    expect(order.items).to.have.length(2);
    expect(order.items[0]).to.deep.include({
      productId: roses.id,
      name: 'Roses',
      unitPrice: 129900,
      quantity: 2,
      size: { name: 'deluxe', price: 50000 },
      vase: { name: 'premium', price: 30000 },
      personalNote: 'Happy birthday',
      image: 'https://img.example/roses.jpg',
    });
    expect(order.items[1]).to.not.have.property('image');
    expect(order.items[1]).to.not.have.property('size');
    const subtotal = (129900 + 50000 + 30000) * 2 + 99900;
    expect(order.subtotal).to.equal(subtotal);
    expect(order.shippingFee).to.equal(1500);
    expect(order.tax).to.equal(Math.round(subtotal * 0.08));
    expect(order.total).to.equal(subtotal + 1500 + Math.round(subtotal * 0.08));
    expect(order.estimatedDelivery.toISOString()).to.equal('2026-06-03T10:00:00.000Z');
    expect(order.orderNumber).to.match(/^AF-\d{9}$/);
    expect(order.version).to.equal(1);
    expect(await k.stockOf(roses.id)).to.equal(8);
    expect(await k.stockOf(lilies.id)).to.equal(19);
    expect((await k.products.findById(roses.id))!.salesCount).to.equal(2);
    expect(await k.orders.findById(order.id)).to.deep.equal(order);
    expect(k.bus.published.map((e) => e.type)).to.deep.equal(['ordering.order-placed']);
  });

  it('sums the stock of two lines of the same product', async () => {
    const p = await k.addProduct({ inventory: { stock: 3, lowStockThreshold: 1, isAvailable: true } });
    const result = await k.place.execute(
      k.input(userId, {
        items: [
          { productId: p.id, quantity: 2 },
          { productId: p.id, quantity: 2 },
        ],
      }),
    );
    expect(result.unwrapErr()).to.deep.equal({
      code: 'INSUFFICIENT_STOCK',
      message: 'Insufficient stock for Test Roses',
    });
    expect(await k.stockOf(p.id)).to.equal(3);
  });

  it('answers 404-style PRODUCT_NOT_FOUND and UNKNOWN_OPTION without touching stock', async () => {
    const p = await k.addProduct();
    const missing = testId();
    const notFound = await k.place.execute(
      k.input(userId, {
        items: [
          { productId: p.id, quantity: 1 },
          { productId: missing, quantity: 1 },
        ],
      }),
    );
    expect(notFound.unwrapErr()).to.deep.equal({
      code: 'PRODUCT_NOT_FOUND',
      message: `Product ${missing} not found`,
    });
    const unknown = await k.place.execute(
      k.input(userId, { items: [{ productId: p.id, quantity: 1, size: 'gigantic' }] }),
    );
    // The cart's wording: one UNKNOWN_OPTION message wherever an option is chosen.
    expect(unknown.unwrapErr()).to.deep.equal({
      code: 'UNKNOWN_OPTION',
      message: `Unknown size 'gigantic' for product '${p.name}'`,
      details: { option: 'size', name: 'gigantic' },
    });
    expect(await k.stockOf(p.id)).to.equal(20);
    expect((await k.orders.list({}, 1, 10)).total).to.equal(0);
  });

  it('compensates: when the 2nd line lacks stock the 1st line keeps its stock and no order exists', async () => {
    // ids are chosen so the plentiful product is reserved first (reservations run in id order)
    const first = await k.products.create(aProduct({ id: '000000000000000000000001', name: 'First' }));
    const second = await k.products.create(
      aProduct({
        id: '000000000000000000000002',
        name: 'Second',
        inventory: { stock: 1, lowStockThreshold: 1, isAvailable: true },
      }),
    );
    const reserve = sinon.spy(k.stock, 'reserveStock');
    const release = sinon.spy(k.stock, 'releaseReservation');
    const releaseByQuantity = sinon.spy(k.stock, 'releaseStock');
    const result = await k.place.execute(
      k.input(userId, {
        items: [
          { productId: first.id, quantity: 3 },
          { productId: second.id, quantity: 2 },
        ],
      }),
    );
    expect(result.unwrapErr()).to.deep.equal({
      code: 'INSUFFICIENT_STOCK',
      message: 'Insufficient stock for Second',
    });
    expect(reserve.args.map((a) => a.slice(0, 2))).to.deep.equal([
      [first.id, 3],
      [second.id, 2],
    ]);
    // the 1st line's stock goes back under the reservation that took it
    const firstReservation = reserve.args[0]![2];
    expect(release.args).to.deep.equal([[first.id, firstReservation, 3]]);
    expect(releaseByQuantity.called).to.equal(false);
    expect(await k.stockOf(first.id)).to.equal(20);
    expect(await k.stockOf(second.id)).to.equal(1);
    expect(await k.stock.pendingReservations(first.id)).to.deep.equal([]);
    expect(await k.reservations.expired(new Date(8.64e15), 10)).to.deep.equal([]);
    expect((await k.orders.list({}, 1, 10)).total).to.equal(0);
    expect(k.bus.published).to.deep.equal([]);
  });

  it('puts all stock back when saving the order fails', async () => {
    const p = await k.addProduct();
    sinon.stub(k.orders, 'create').resolves(Err(domainError('CONFLICT', 'boom', { field: 'id' })));
    const result = await k.place.execute(k.input(userId, { items: [{ productId: p.id, quantity: 4 }] }));
    expect(result.unwrapErr().code).to.equal('CONFLICT');
    expect(await k.stockOf(p.id)).to.equal(20);
  });

  it('puts all stock back when saving throws', async () => {
    const p = await k.addProduct();
    sinon.stub(k.orders, 'create').rejects(new Error('disk on fire'));
    let thrown: unknown;
    try {
      await k.place.execute(k.input(userId, { items: [{ productId: p.id, quantity: 4 }] }));
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).to.equal('disk on fire');
    expect(await k.stockOf(p.id)).to.equal(20);
  });

  it('places from the server cart when the request has no items, then empties the cart', async () => {
    const p = await k.addProduct({ price: 50000 });
    await k.addCart(userId, [
      {
        productId: p.id,
        quantity: 2,
        unitPrice: 1,
        size: { name: 'deluxe', price: 1 },
        personalNote: 'For mum',
      },
    ]);
    const result = await k.place.execute(k.input(userId));
    const { order, source } = result.unwrap();
    expect(source).to.equal('cart');
    expect(order.source).to.equal('cart');
    expect(order.items).to.have.length(1);
    // current catalog prices, not the cart's stored ones
    expect(order.items[0]).to.deep.include({
      unitPrice: 50000,
      quantity: 2,
      size: { name: 'deluxe', price: 50000 },
      personalNote: 'For mum',
    });
    expect(order.subtotal).to.equal(200000);
    expect(await k.stockOf(p.id)).to.equal(18);
    expect((await k.carts.findByUserId(userId))!.items).to.deep.equal([]);
  });

  it('the explicit kind decides the source: request lines leave the server cart alone; the cart kind orders the cart', async () => {
    const inCart = await k.addProduct({ name: 'In cart' });
    const inRequest = await k.addProduct({ name: 'In request' });
    await k.addCart(userId, [{ productId: inCart.id, quantity: 1, unitPrice: inCart.price }]);

    const fromRequest = (
      await k.place.execute(
        k.input(userId, { lines: { from: 'request', items: [{ productId: inRequest.id, quantity: 1 }] } }),
      )
    ).unwrap();
    expect(fromRequest.source).to.equal('request');
    expect(fromRequest.order.source).to.equal('request');
    expect(fromRequest.order.items.map((i) => i.name)).to.deep.equal(['In request']);
    expect(await k.stockOf(inCart.id)).to.equal(20);
    expect((await k.carts.findByUserId(userId))!.items.map((i) => i.productId)).to.deep.equal([inCart.id]);

    const fromCart = (await k.place.execute(k.input(userId, { lines: { from: 'cart' } }))).unwrap();
    expect(fromCart.source).to.equal('cart');
    expect(fromCart.order.source).to.equal('cart');
    expect(fromCart.order.items.map((i) => i.name)).to.deep.equal(['In cart']);
    expect(await k.stockOf(inRequest.id)).to.equal(19);
    expect(await k.stockOf(inCart.id)).to.equal(19);
    expect((await k.carts.findByUserId(userId))!.items).to.deep.equal([]);
  });

  it('answers EMPTY_ORDER when there is nothing in the request nor in the cart', async () => {
    expect((await k.place.execute(k.input(userId, { lines: { from: 'cart' } }))).unwrapErr()).to.deep.equal({
      code: 'EMPTY_ORDER',
      message: 'No items to order',
    });
    expect(
      (await k.place.execute(k.input(userId, { lines: { from: 'request', items: [] } }))).unwrapErr().code,
    ).to.equal('EMPTY_ORDER');
  });

  it('retries a clashing order number with a fresh random part', async () => {
    k = makeKit(new ScriptedRandom([123, 123, 123, 456]));
    const p = await k.addProduct();
    const first = (
      await k.place.execute(k.input(userId, { items: [{ productId: p.id, quantity: 1 }] }))
    ).unwrap();
    const second = (
      await k.place.execute(k.input(userId, { items: [{ productId: p.id, quantity: 1 }] }))
    ).unwrap();
    // FIXED_NOW = 1780308000000 ms: last six digits 000000
    expect(FIXED_NOW.getTime() % 1_000_000).to.equal(0);
    expect(first.order.orderNumber).to.equal('AF-000000123');
    expect(second.order.orderNumber).to.equal('AF-000000456');
    expect(await k.stockOf(p.id)).to.equal(18);
  });

  it('renumbers when the unique insert reports a clash that the pre-check missed', async () => {
    k = makeKit(new ScriptedRandom([7, 8]));
    const p = await k.addProduct();
    const create = k.orders.create.bind(k.orders);
    let calls = 0;
    sinon.stub(k.orders, 'create').callsFake(async (order: Order) => {
      calls += 1;
      if (calls === 1)
        return Err(domainError('CONFLICT', 'Order number already in use', { field: 'orderNumber' }));
      return create(order, []);
    });
    const { order } = (
      await k.place.execute(k.input(userId, { items: [{ productId: p.id, quantity: 1 }] }))
    ).unwrap();
    expect(order.orderNumber).to.equal('AF-000000008');
    expect(k.bus.published[0]!.payload).to.deep.include({ orderNumber: 'AF-000000008' });
    expect(await k.stockOf(p.id)).to.equal(19);
  });
});

describe('application/ordering: reading, cancelling, status changes', () => {
  let k: Kit;
  let userId: string;
  let productId: string;
  async function placeOne(qty = 2, uid = userId): Promise<Order> {
    return (await k.place.execute(k.input(uid, { items: [{ productId, quantity: qty }] }))).unwrap().order;
  }
  beforeEach(async () => {
    k = makeKit();
    userId = testId();
    productId = (await k.addProduct({ inventory: { stock: 10, lowStockThreshold: 1, isAvailable: true } }))
      .id;
  });

  it('lists my orders newest first with the products they name', async () => {
    const older = await placeOne(1);
    k.clock.set(new Date(FIXED_NOW.getTime() + 60_000));
    const newer = await placeOne(1);
    await placeOne(1, testId());
    const { orders, products } = (await k.listMine.execute({ userId })).unwrap();
    expect(orders.map((o) => o.id)).to.deep.equal([newer.id, older.id]);
    expect(products.map((p) => p.id)).to.deep.equal([productId]);
  });

  it("shows an order to its owner and to admins, and someone else's as not found", async () => {
    const order = await placeOne();
    expect((await k.get.execute({ order: order.id, userId, isAdmin: false })).unwrap().id).to.equal(order.id);
    expect((await k.get.execute({ order: order.id, userId: testId(), isAdmin: true })).unwrap().id).to.equal(
      order.id,
    );
    expect((await k.get.execute({ order: order.orderNumber, userId, isAdmin: false })).unwrap().id).to.equal(
      order.id,
    );
    expect(
      (await k.get.execute({ order: order.id, userId: testId(), isAdmin: false })).unwrapErr(),
    ).to.deep.equal({
      code: 'ORDER_NOT_FOUND',
      message: 'Order not found',
    });
  });

  it('cancels for the owner, restores stock once, and refuses a second cancel', async () => {
    const order = await placeOne(3);
    expect(await k.stockOf(productId)).to.equal(7);
    const stranger = await k.cancel.execute({ orderId: order.id, userId: testId() });
    expect(stranger.unwrapErr().code).to.equal('ORDER_NOT_FOUND');
    expect(await k.stockOf(productId)).to.equal(7);

    const cancelled = (await k.cancel.execute({ orderId: order.id, userId, reason: 'too late' })).unwrap();
    expect(cancelled.status).to.equal('cancelled');
    expect(cancelled.statusHistory.at(-1)!.note).to.equal('Cancelled by customer: too late');
    expect(await k.stockOf(productId)).to.equal(10);
    expect(k.bus.published.map((e) => e.type)).to.deep.equal([
      'ordering.order-placed',
      'ordering.order-status-changed',
      'ordering.order-cancelled',
      // the stock coming back is a stock movement with its notice (the realtime stock channel, caches)
      'catalog.stock-changed',
    ]);
    expect(k.bus.ofType('catalog.stock-changed').map((e) => e.payload)).to.deep.equal([
      { productId, stock: 10 },
    ]);

    const again = await k.cancel.execute({ orderId: order.id, userId });
    expect(again.unwrapErr().code).to.equal('ORDER_NOT_CANCELLABLE');
    expect(await k.stockOf(productId)).to.equal(10);
  });

  it('two concurrent cancellations put the stock back exactly once', async () => {
    const order = await placeOne(3);
    const results = await Promise.all([
      k.cancel.execute({ orderId: order.id, userId }),
      k.cancel.execute({ orderId: order.id, userId }),
    ]);
    expect(results.filter((r) => r.isOk())).to.have.length(1);
    expect(await k.stockOf(productId)).to.equal(10);
  });

  it('lets an admin move an order by id or number; an admin cancel restores stock; invalid edges refused', async () => {
    const order = await placeOne(2);
    const admin = testId();
    const confirmed = (
      await k.changeStatus.execute({ order: order.orderNumber, status: 'confirmed', changedBy: admin })
    ).unwrap();
    expect(confirmed.status).to.equal('confirmed');
    const bad = await k.changeStatus.execute({ order: order.id, status: 'delivered', changedBy: admin });
    expect(bad.unwrapErr()).to.deep.include({
      code: 'INVALID_STATUS_TRANSITION',
      message: 'Cannot change order status from confirmed to delivered',
    });
    const cancelled = (
      await k.changeStatus.execute({ order: order.id, status: 'cancelled', changedBy: admin, note: 'fraud' })
    ).unwrap();
    expect(cancelled.statusHistory.map((h) => [h.status, h.changedBy])).to.deep.equal([
      ['pending', userId],
      ['confirmed', admin],
      ['cancelled', admin],
    ]);
    expect(await k.stockOf(productId)).to.equal(10);
    const missing = await k.changeStatus.execute({
      order: 'AF-999999999',
      status: 'confirmed',
      changedBy: admin,
    });
    expect(missing.unwrapErr().code).to.equal('ORDER_NOT_FOUND');
  });

  it('lists all orders by status with paging', async () => {
    const a = await placeOne(1);
    k.clock.set(new Date(FIXED_NOW.getTime() + 1000));
    const b = await placeOne(1);
    k.clock.set(new Date(FIXED_NOW.getTime() + 2000));
    const c = await placeOne(1);
    await k.changeStatus.execute({ order: b.id, status: 'confirmed', changedBy: 'x' });
    const page1 = (await k.listAll.execute({ page: 1, limit: 2 })).unwrap();
    expect(page1.items.map((o) => o.id)).to.deep.equal([c.id, b.id]);
    expect(page1.total).to.equal(3);
    const page2 = (await k.listAll.execute({ page: 2, limit: 2 })).unwrap();
    expect(page2.items.map((o) => o.id)).to.deep.equal([a.id]);
    const pending = (await k.listAll.execute({ status: 'pending', page: 1, limit: 10 })).unwrap();
    expect(pending.items.map((o) => o.id)).to.deep.equal([c.id, a.id]);
  });
});

describe('application/ordering: SalesAnalytics', () => {
  it('is all zeros without orders, and counts products and active users', async () => {
    const k = makeKit();
    await k.addProduct();
    await k.addUser();
    await k.addUser({ isActive: false });
    const report = (await k.analytics.execute({})).unwrap();
    expect(report.metrics).to.deep.equal({
      totalRevenue: 0,
      totalOrders: 0,
      averageOrderValue: 0,
      totalShipping: 0,
      totalTax: 0,
      totalSubtotal: 0,
    });
    expect(report.trends).to.deep.equal([]);
    expect(report.topProducts).to.deep.equal([]);
    expect(report.totalProducts).to.equal(1);
    expect(report.activeUsers).to.equal(1);
  });

  it('reports revenue net of refunds: a partially refunded order counts for what was kept', async () => {
    const k = makeKit();
    const a = await k.addProduct({ name: 'A', price: 10000 });
    const b = await k.addProduct({ name: 'B', price: 5000 });
    const userId = testId();
    k.clock.set(new Date('2026-05-01T09:00:00Z'));
    const placed = (
      await k.place.execute(
        k.input(userId, {
          items: [
            { productId: a.id, quantity: 1 },
            { productId: b.id, quantity: 1 },
          ],
        }),
      )
    ).unwrap().order;
    const paid = recordPayment(placed, { paymentId: 'pi_1', by: userId, at: k.clock.now() });
    const saved = (await k.orders.update(paid.order, paid.events)).unwrap();
    const refunded = recordRefund(saved, { amount: 3000, by: 'admin', at: k.clock.now() }).unwrap();
    await k.orders.update(refunded.order, refunded.events);

    const report = (await k.analytics.execute({})).unwrap();
    const net = placed.total - 3000;
    expect(report.metrics.totalRevenue).to.equal(net);
    expect(report.metrics.averageOrderValue).to.equal(net);
    expect(report.metrics.totalOrders).to.equal(1);
    expect(report.trends).to.deep.equal([{ date: '2026-05-01', revenue: net, orders: 1 }]);
    const kept = net / placed.total;
    expect(report.topProducts.map((p) => p.revenue)).to.deep.equal([
      Math.round(10000 * kept),
      Math.round(5000 * kept),
    ]);
  });

  it('sums orders in the range that are neither pending nor cancelled', async () => {
    const k = makeKit();
    const a = await k.addProduct({ name: 'A', price: 10001 });
    const b = await k.addProduct({ name: 'B', price: 2550 });
    const userId = testId();
    const at = async (
      iso: string,
      items: { productId: string; quantity: number }[],
      status?: 'confirmed' | 'cancelled',
    ) => {
      k.clock.set(new Date(iso));
      const o = (await k.place.execute(k.input(userId, { items }))).unwrap().order;
      if (status) await k.changeStatus.execute({ order: o.id, status, changedBy: 'admin' });
      return o;
    };
    const o1 = await at('2026-05-01T09:00:00Z', [{ productId: a.id, quantity: 1 }], 'confirmed');
    const o2 = await at('2026-05-01T18:00:00Z', [{ productId: b.id, quantity: 3 }], 'confirmed');
    const o3 = await at(
      '2026-05-03T12:00:00Z',
      [
        { productId: a.id, quantity: 2 },
        { productId: b.id, quantity: 1 },
      ],
      'confirmed',
    );
    await at('2026-05-02T12:00:00Z', [{ productId: a.id, quantity: 5 }]); // pending: excluded
    await at('2026-05-02T13:00:00Z', [{ productId: a.id, quantity: 5 }], 'cancelled'); // excluded
    await at('2026-07-01T00:00:00Z', [{ productId: a.id, quantity: 1 }], 'confirmed'); // out of range

    const report = (
      await k.analytics.execute({
        from: new Date('2026-05-01T00:00:00Z'),
        to: new Date('2026-05-31T23:59:59.999Z'),
      })
    ).unwrap();
    const counted = [o1, o2, o3];
    const revenue = counted.reduce((s, o) => s + o.total, 0);
    // o1: 10001 + 500 + 800 = 11301; o2: 7650 + 500 + 612 = 8762; o3: 22552 + 500 + 1804 = 24856
    expect(counted.map((o) => o.total)).to.deep.equal([11301, 8762, 24856]);
    expect(report.metrics).to.deep.equal({
      totalRevenue: revenue,
      totalOrders: 3,
      averageOrderValue: Math.round(revenue / 3),
      totalShipping: 1500,
      totalTax: 800 + 612 + 1804,
      totalSubtotal: 10001 + 7650 + 22552,
    });
    expect(report.trends).to.deep.equal([
      { date: '2026-05-01', revenue: 11301 + 8762, orders: 2 },
      { date: '2026-05-03', revenue: 24856, orders: 1 },
    ]);
    expect(report.topProducts).to.deep.equal([
      { productId: a.id, name: 'A', quantity: 3, revenue: 30003 },
      { productId: b.id, name: 'B', quantity: 4, revenue: 10200 },
    ]);

    const open = (await k.analytics.execute({})).unwrap();
    expect(open.metrics.totalOrders).to.equal(4);
    const bad = await k.analytics.execute({ from: new Date('2026-06-01'), to: new Date('2026-05-01') });
    expect(bad.unwrapErr().code).to.equal('VALIDATION_FAILED');
  });
});
