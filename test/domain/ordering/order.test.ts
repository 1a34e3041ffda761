import { expect } from 'chai';
import fc from 'fast-check';
import {
  cancelByOwner,
  changeStatus,
  placeOrder,
  renumber,
  storefrontStatus,
  type NewOrder,
  type Order,
  type OrderLine,
} from '../../../domain/ordering/order.js';
import { makeOrderNumber, isOrderNumber } from '../../../domain/ordering/order-number.js';
import {
  estimateDelivery,
  priceOrder,
  SHIPPING_FEES,
  SHIPPING_METHODS,
} from '../../../domain/ordering/pricing.js';
import { lineTotal } from '../../../domain/shared/line-pricing.js';
import { canTransition, isTerminal, ORDER_STATUSES, TRANSITIONS } from '../../../domain/ordering/status.js';

const NOW = new Date('2026-06-01T10:00:00.123Z');
const LATER = new Date('2026-06-02T08:30:00.000Z');

function line(overrides: Partial<OrderLine> = {}): OrderLine {
  return {
    id: 'line000000000000000000001',
    productId: 'a00000000000000000000001',
    name: 'Roses',
    unitPrice: 129900,
    quantity: 1,
    ...overrides,
  };
}

function newOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    id: 'b00000000000000000000001',
    orderNumber: 'AF-000123456',
    userId: 'c00000000000000000000001',
    items: [line()],
    shippingAddress: {
      fullName: 'Asha Rao',
      street: '1 MG Road',
      city: 'Mumbai',
      state: 'MH',
      zipCode: '400001',
      phone: '+91 98765 43210',
    },
    source: 'request',
    now: NOW,
    ...overrides,
  };
}

function placed(overrides: Partial<NewOrder> = {}): Order {
  const result = placeOrder(newOrder(overrides));
  if (result.isErr()) throw new Error(result.error.message);
  return result.value.order;
}

describe('domain/ordering: pricing', () => {
  it('prices a line as (unit + size + vase) x quantity', () => {
    expect(lineTotal({ unitPrice: 1000, quantity: 3, size: { price: 250 }, vase: { price: 125 } })).to.equal(
      4125,
    );
    expect(lineTotal({ unitPrice: 1000, quantity: 2 })).to.equal(2000);
  });

  it('charges 5/15/25 shipping and 8 % tax, rounded half up', () => {
    expect(priceOrder([{ unitPrice: 129900, quantity: 1 }], 'standard')).to.deep.equal({
      subtotal: 129900,
      shippingFee: 500,
      tax: 10392,
      discount: 0,
      total: 140792,
    });
    expect(priceOrder([{ unitPrice: 1000, quantity: 1 }], 'express').shippingFee).to.equal(1500);
    expect(priceOrder([{ unitPrice: 1000, quantity: 1 }], 'same-day').shippingFee).to.equal(2500);
    // 8 % of 1 281 = 102.48 -> 102; of 1 269 = 101.52 -> 102; of 1 256 = 100.48 -> 100; of 6 = 0.48 -> 0
    expect(priceOrder([{ unitPrice: 1281, quantity: 1 }], 'standard').tax).to.equal(102);
    expect(priceOrder([{ unitPrice: 1269, quantity: 1 }], 'standard').tax).to.equal(102);
    expect(priceOrder([{ unitPrice: 1256, quantity: 1 }], 'standard').tax).to.equal(100);
    expect(priceOrder([{ unitPrice: 6, quantity: 1 }], 'standard').tax).to.equal(0);
    expect(priceOrder([{ unitPrice: 7, quantity: 1 }], 'standard').tax).to.equal(1);
  });

  it('never lets the total go negative', () => {
    expect(priceOrder([{ unitPrice: 100, quantity: 1 }], 'standard', 1_000_000).total).to.equal(0);
  });

  it('estimates delivery +5 days standard, +2 express, same day for same-day', () => {
    expect(estimateDelivery(NOW, 'standard').toISOString()).to.equal('2026-06-06T10:00:00.123Z');
    expect(estimateDelivery(NOW, 'express').toISOString()).to.equal('2026-06-03T10:00:00.123Z');
    expect(estimateDelivery(NOW, 'same-day').toISOString()).to.equal(NOW.toISOString());
  });

  it('property: total = subtotal + fee + tax, tax within half a unit of 8 %, all integers, never negative', () => {
    const arbLine = fc.record({
      unitPrice: fc.integer({ min: 0, max: 10_000_000 }),
      quantity: fc.integer({ min: 1, max: 1000 }),
      size: fc.option(fc.record({ price: fc.integer({ min: 0, max: 1_000_000 }) }), { nil: undefined }),
      vase: fc.option(fc.record({ price: fc.integer({ min: 0, max: 1_000_000 }) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 20 }),
        fc.constantFrom(...SHIPPING_METHODS),
        (lines, method) => {
          const t = priceOrder(lines, method);
          const expectedSubtotal = lines.reduce(
            (s, l) => s + (l.unitPrice + (l.size?.price ?? 0) + (l.vase?.price ?? 0)) * l.quantity,
            0,
          );
          expect(t.subtotal).to.equal(expectedSubtotal);
          expect(t.shippingFee).to.equal(SHIPPING_FEES[method]);
          expect(t.total).to.equal(t.subtotal + t.shippingFee + t.tax);
          expect(Math.abs(t.tax - t.subtotal * 0.08)).to.be.at.most(0.5 + 1e-6);
          for (const v of Object.values(t)) {
            expect(Number.isSafeInteger(v), `${v} is an integer`).to.equal(true);
            expect(v).to.be.at.least(0);
          }
        },
      ),
    );
  });

  it('property: with any discount the total is never negative and never above the undiscounted total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (unitPrice, discount) => {
          const t = priceOrder([{ unitPrice, quantity: 1 }], 'standard', discount);
          expect(t.total).to.be.at.least(0);
          expect(t.total).to.equal(Math.max(0, t.subtotal + t.shippingFee + t.tax - discount));
        },
      ),
    );
  });
});

describe('domain/ordering: order numbers', () => {
  it("is 'AF-' + the last 6 digits of epoch ms + a zero-padded 000-999", () => {
    // 2026-06-01T10:00:00.123Z = 1780308000123 ms
    expect(NOW.getTime()).to.equal(1780308000123);
    expect(makeOrderNumber(NOW, 7)).to.equal('AF-000123007');
    expect(makeOrderNumber(NOW, 999)).to.equal('AF-000123999');
    expect(isOrderNumber(makeOrderNumber(NOW, 42))).to.equal(true);
    expect(isOrderNumber('AF-12345678')).to.equal(false);
  });

  it('refuses a random part outside 0-999', () => {
    expect(() => makeOrderNumber(NOW, 1000)).to.throw(RangeError);
    expect(() => makeOrderNumber(NOW, -1)).to.throw(RangeError);
  });
});

describe('domain/ordering: placing', () => {
  it('creates a pending order priced by the server, with defaults and one history entry', () => {
    const result = placeOrder(
      newOrder({
        items: [
          line({
            quantity: 2,
            size: { name: 'deluxe', price: 50000 },
            vase: { name: 'premium', price: 30000 },
          }),
        ],
      }),
    );
    expect(result.isOk()).to.equal(true);
    const { order, events } = result.unwrap();
    expect(order.subtotal).to.equal((129900 + 50000 + 30000) * 2);
    expect(order.shippingFee).to.equal(500);
    expect(order.tax).to.equal(33584);
    expect(order.total).to.equal(419800 + 500 + 33584);
    expect(order.discount).to.equal(0);
    expect(order.status).to.equal('pending');
    expect(storefrontStatus(order)).to.equal('pending');
    expect(order.paymentStatus).to.equal('pending');
    expect(order.paymentInfo).to.deep.equal({ method: 'card' });
    expect(order.shippingMethod).to.equal('standard');
    expect(order.shippingAddress.country).to.equal('United States');
    expect(order.estimatedDelivery.toISOString()).to.equal('2026-06-06T10:00:00.123Z');
    expect(order.statusHistory).to.deep.equal([
      { status: 'pending', changedBy: 'c00000000000000000000001', changedAt: NOW, note: 'Order placed' },
    ]);
    expect(order.version).to.equal(0);
    expect(order).to.not.have.property('notes');
    expect(events.map((e) => e.type)).to.deep.equal(['ordering.order-placed']);
    expect(events[0]!.payload).to.deep.include({ orderNumber: 'AF-000123456', total: order.total });
  });

  it('refuses an empty order, a zero quantity and a blank address field', () => {
    expect(placeOrder(newOrder({ items: [] })).unwrapErr().code).to.equal('EMPTY_ORDER');
    expect(placeOrder(newOrder({ items: [line({ quantity: 0 })] })).unwrapErr().code).to.equal(
      'INVALID_QUANTITY',
    );
    expect(placeOrder(newOrder({ items: [line({ quantity: 1.5 })] })).unwrapErr().code).to.equal(
      'INVALID_QUANTITY',
    );
    const err = placeOrder(
      newOrder({ shippingAddress: { fullName: ' ', street: 'x', city: '', state: 's', zipCode: '1' } }),
    ).unwrapErr();
    expect(err.code).to.equal('VALIDATION_FAILED');
    expect(err.details).to.deep.equal({
      missingFields: ['shippingAddress.fullName', 'shippingAddress.city'],
    });
  });

  it('renumbers an order and its events together', () => {
    const change = placeOrder(newOrder()).unwrap();
    const again = renumber(change, 'AF-000123999');
    expect(again.order.orderNumber).to.equal('AF-000123999');
    expect(again.events[0]!.payload).to.deep.include({ orderNumber: 'AF-000123999' });
    expect(change.order.orderNumber).to.equal('AF-000123456');
  });
});

describe('domain/ordering: the status state machine', () => {
  it('lists exactly the allowed edges', () => {
    expect(TRANSITIONS).to.deep.equal({
      pending: ['confirmed', 'cancelled'],
      confirmed: ['processing', 'cancelled'],
      processing: ['shipped', 'cancelled'],
      shipped: ['delivered'],
      delivered: [],
      cancelled: [],
    });
  });

  it('walks pending -> confirmed -> processing -> shipped -> delivered with history and events', () => {
    let order = placed();
    for (const to of ['confirmed', 'processing', 'shipped', 'delivered'] as const) {
      const change = changeStatus(order, {
        to,
        by: 'admin',
        at: LATER,
        note: `to ${to}`,
        trackingNumber: 'TRK1',
      });
      expect(change.isOk(), to).to.equal(true);
      order = change.unwrap().order;
      expect(change.unwrap().events.map((e) => e.type)).to.deep.equal(['ordering.order-status-changed']);
    }
    expect(order.status).to.equal('delivered');
    expect(storefrontStatus(order)).to.equal('delivered');
    expect(order.trackingNumber).to.equal('TRK1');
    expect(order.updatedAt).to.equal(LATER);
    expect(order.statusHistory.map((h) => h.status)).to.deep.equal([
      'pending',
      'confirmed',
      'processing',
      'shipped',
      'delivered',
    ]);
    expect(order.statusHistory[4]).to.deep.equal({
      status: 'delivered',
      changedBy: 'admin',
      changedAt: LATER,
      note: 'to delivered',
    });
  });

  it('refuses a delivered order going back and a cancelled order shipping, naming both ends', () => {
    let order = placed();
    for (const to of ['confirmed', 'processing', 'shipped', 'delivered'] as const) {
      order = changeStatus(order, { to, by: 'admin', at: LATER }).unwrap().order;
    }
    const back = changeStatus(order, { to: 'processing', by: 'admin', at: LATER }).unwrapErr();
    expect(back.code).to.equal('INVALID_STATUS_TRANSITION');
    expect(back.message).to.equal('Cannot change order status from delivered to processing');
    expect(back.details).to.deep.equal({ from: 'delivered', to: 'processing' });

    const cancelled = changeStatus(placed(), { to: 'cancelled', by: 'admin', at: LATER }).unwrap();
    expect(cancelled.events.map((e) => e.type)).to.deep.equal([
      'ordering.order-status-changed',
      'ordering.order-cancelled',
    ]);
    const ship = changeStatus(cancelled.order, { to: 'shipped', by: 'admin', at: LATER }).unwrapErr();
    expect(ship.code).to.equal('INVALID_STATUS_TRANSITION');
    expect(changeStatus(placed(), { to: 'shipped', by: 'a', at: LATER }).isErr()).to.equal(true);
    expect(changeStatus(placed(), { to: 'pending', by: 'a', at: LATER }).isErr()).to.equal(true);
  });

  it('lets the owner cancel only while pending or confirmed', () => {
    const pending = placed();
    const cancelled = cancelByOwner(pending, {
      by: pending.userId,
      at: LATER,
      reason: 'changed my mind',
    }).unwrap();
    expect(cancelled.order.status).to.equal('cancelled');
    expect(storefrontStatus(cancelled.order)).to.equal('cancelled');
    expect(cancelled.order.statusHistory.at(-1)).to.deep.equal({
      status: 'cancelled',
      changedBy: pending.userId,
      changedAt: LATER,
      note: 'Cancelled by customer: changed my mind',
    });

    const confirmed = changeStatus(pending, { to: 'confirmed', by: 'admin', at: LATER }).unwrap().order;
    expect(cancelByOwner(confirmed, { by: pending.userId, at: LATER }).isOk()).to.equal(true);

    const processing = changeStatus(confirmed, { to: 'processing', by: 'admin', at: LATER }).unwrap().order;
    const err = cancelByOwner(processing, { by: pending.userId, at: LATER }).unwrapErr();
    expect(err).to.deep.equal({
      code: 'ORDER_NOT_CANCELLABLE',
      message: 'Cannot cancel order in current status',
    });
    expect(cancelByOwner(cancelled.order, { by: pending.userId, at: LATER }).unwrapErr().code).to.equal(
      'ORDER_NOT_CANCELLABLE',
    );
  });

  it('property: random transition sequences stay on allowed edges, terminals stay terminal, history = successes + 1', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_STATUSES), { maxLength: 30 }), (targets) => {
        let order = placed();
        let successes = 0;
        for (const to of targets) {
          const from = order.status;
          const result = changeStatus(order, { to, by: 'admin', at: LATER });
          if (result.isOk()) {
            expect(canTransition(from, to), `${from} -> ${to}`).to.equal(true);
            expect(isTerminal(from)).to.equal(false);
            order = result.value.order;
            expect(order.status).to.equal(to);
            successes += 1;
          } else {
            expect(canTransition(from, to), `${from} -> ${to}`).to.equal(false);
            expect(result.error.code).to.equal('INVALID_STATUS_TRANSITION');
            expect(order.status).to.equal(from);
          }
        }
        expect(order.statusHistory).to.have.length(successes + 1);
        // The history itself only ever follows allowed edges.
        for (let i = 1; i < order.statusHistory.length; i++) {
          expect(canTransition(order.statusHistory[i - 1]!.status, order.statusHistory[i]!.status)).to.equal(
            true,
          );
        }
        if (isTerminal(order.status)) {
          for (const to of ORDER_STATUSES) {
            expect(changeStatus(order, { to, by: 'admin', at: LATER }).isErr()).to.equal(true);
          }
        }
      }),
    );
  });
});
