import { expect } from 'chai';
import { BuiltinCityDirectory } from '../../../adapters/location/builtin-cities.js';
import type { Product } from '../../../domain/catalog/product.js';
import {
  mothersDay,
  seasonOf,
  suits,
  synthesizeHistory,
  SYNTHETIC_PASSWORD_HASH,
  type SyntheticHistory,
} from '../../../domain/discovery/synthetic.js';
import { DAY_MS, dayKey } from '../../../domain/discovery/scoring.js';
import { ORDER_NUMBER_PATTERN } from '../../../domain/ordering/order-number.js';
import { canTransition } from '../../../domain/ordering/status.js';
import { aProduct } from '../../support/kit.js';

const END = new Date('2026-06-01T10:00:00.000Z');
const cities = new BuiltinCityDirectory().all().filter((c) => c.serviceable);

function catalog(): Product[] {
  const p = (o: Partial<Product>) => aProduct({ occasions: [], flowerTypes: [], colors: [], ...o });
  return [
    p({ name: 'Red Roses', occasions: ['anniversary'], flowerTypes: ['roses'], colors: ['red'] }),
    p({
      name: 'Red Roses Deluxe',
      occasions: ['anniversary', 'birthday'],
      flowerTypes: ['roses'],
      colors: ['red'],
    }),
    p({ name: 'Pink Lilies', occasions: ['birthday'], flowerTypes: ['lilies'], colors: ['pink'] }),
    p({ name: 'Mixed Joy', occasions: ['just-because'], flowerTypes: ['mixed'], colors: ['mixed'] }),
    p({ name: 'Yellow Tulips', occasions: ['congratulations'], flowerTypes: ['tulips'], colors: ['yellow'] }),
    p({ name: 'White Orchids', occasions: ['wedding'], flowerTypes: ['orchids'], colors: ['white'] }),
    p({ name: 'Sympathy Lilies', occasions: ['sympathy'], flowerTypes: ['lilies'], colors: ['white'] }),
    p({ name: 'Birthday Tulips', occasions: ['birthday'], flowerTypes: ['tulips'], colors: ['purple'] }),
  ];
}

const settings = { seed: 42, orders: 3000, months: 12, users: 300, end: END };
const products = catalog();
let history: SyntheticHistory;
before(() => {
  history = synthesizeHistory(settings, products, cities);
});

function fingerprint(h: SyntheticHistory) {
  return {
    shoppers: h.shoppers.map((u) => [u.id, u.email, u.createdAt.toISOString()]),
    orders: h.orders.map(({ order: o, views }) => [
      o.id,
      o.orderNumber,
      o.userId,
      o.createdAt.toISOString(),
      o.status,
      o.paymentStatus,
      o.shippingAddress.city,
      o.items.map((l) => [l.productId, l.quantity]),
      views.length,
    ]),
    wishlists: [...h.wishlists],
  };
}

/** Orders created in the 8 days ending on `day` (the seasonal window), per day. */
function perDayAround(h: SyntheticHistory, day: Date) {
  const from = day.getTime() - 7 * DAY_MS;
  const to = day.getTime() + DAY_MS;
  return h.orders.filter(({ order }) => order.createdAt.getTime() >= from && order.createdAt.getTime() < to);
}

const share = (orders: SyntheticHistory['orders'], test: (p: Product) => boolean) => {
  const lines = orders.flatMap(({ order }) => order.items);
  const byId = new Map(products.map((p) => [p.id, p]));
  return lines.filter((l) => test(byId.get(l.productId)!)).length / lines.length;
};

describe('domain: synthetic order history', () => {
  it('is deterministic for a seed (ids included), and another seed gives another history', () => {
    const again = synthesizeHistory(settings, products, cities);
    expect(fingerprint(again)).to.deep.equal(fingerprint(history));
    const other = synthesizeHistory({ ...settings, seed: 43 }, products, cities);
    expect(other.orders[0]!.order.id).to.not.equal(history.orders[0]!.order.id);
    expect(fingerprint(other).orders.map((o) => o.slice(2))).to.not.deep.equal(
      fingerprint(history).orders.map((o) => o.slice(2)),
    );
  });

  it('has the sizes asked for, unique ids and order numbers, in the window, in serviceable cities', () => {
    expect(history.orders).to.have.length(3000);
    expect(history.shoppers).to.have.length(300);
    const ids = history.orders.map(({ order }) => order.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(new Set(history.shoppers.map((u) => u.email)).size).to.equal(300);
    const numbers = history.orders.map(({ order }) => order.orderNumber);
    expect(new Set(numbers).size).to.equal(numbers.length);
    const start = END.getTime() - 12 * 30 * DAY_MS;
    const serviceable = new Set(cities.map((c) => c.city));
    const shopperIds = new Set(history.shoppers.map((u) => u.id));
    for (const { order } of history.orders) {
      expect(order.orderNumber).to.match(ORDER_NUMBER_PATTERN);
      expect(order.id).to.match(/^[0-9a-f]{24}$/);
      expect(order.createdAt.getTime()).to.be.within(start, END.getTime());
      expect(serviceable.has(order.shippingAddress.city), order.shippingAddress.city).to.equal(true);
      expect(shopperIds.has(order.userId)).to.equal(true);
    }
    expect(history.shoppers.every((u) => u.passwordHash === SYNTHETIC_PASSWORD_HASH)).to.equal(true);
  });

  it('orders are valid: priced totals, histories along the state machine, realistic statuses and payments', () => {
    for (const { order } of history.orders) {
      expect(order.items.length).to.be.at.least(1);
      const subtotal = order.items.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
      expect(order.subtotal).to.equal(subtotal);
      expect(order.total).to.equal(order.subtotal + order.shippingFee + order.tax - order.discount);
      const path = order.statusHistory.map((h) => h.status);
      expect(path[0]).to.equal('pending');
      for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).to.equal(true);
      expect(path[path.length - 1]).to.equal(order.status);
      if (order.paymentStatus === 'refunded') expect(order.refundAmount).to.equal(order.total);
      if (order.status === 'delivered') expect(['completed', 'refunded']).to.include(order.paymentStatus);
    }
    const count = (f: (o: SyntheticHistory['orders'][number]['order']) => boolean) =>
      history.orders.filter(({ order }) => f(order)).length / history.orders.length;
    expect(count((o) => o.status === 'delivered')).to.be.within(0.75, 0.95);
    expect(count((o) => o.status === 'cancelled')).to.be.within(0.03, 0.15);
    expect(count((o) => o.status === 'delivered' && o.paymentStatus === 'refunded')).to.be.within(0.01, 0.08);
    const methods = new Set(history.orders.map(({ order }) => order.paymentInfo.method));
    expect([...methods].sort()).to.deep.equal(['card', 'paypal', 'razorpay']);
    // baskets: some hold two or more products (the co-purchase pairs)
    expect(count((o) => o.items.length >= 2)).to.be.within(0.25, 0.7);
  });

  it("seasonality is visible: Valentine's week is busier and red; Mother's Day week pink and mixed", () => {
    const average = history.orders.length / (12 * 30);
    const valentines = perDayAround(history, new Date('2026-02-14T00:00:00.000Z'));
    expect(valentines.length / 8).to.be.greaterThan(2.5 * average);
    const redRoses = (p: Product) => suits('valentines', p);
    expect(share(valentines, redRoses)).to.be.greaterThan(share(history.orders, redRoses) + 0.2);

    expect(dayKey(mothersDay(2026))).to.equal('2026-05-10');
    expect(dayKey(mothersDay(2025))).to.equal('2025-05-11');
    const mothers = perDayAround(history, mothersDay(2026));
    expect(mothers.length / 8).to.be.greaterThan(2 * average);
    const pinkOrMixed = (p: Product) => suits('mothers-day', p);
    expect(share(mothers, pinkOrMixed)).to.be.greaterThan(share(history.orders, pinkOrMixed) + 0.2);
    expect(seasonOf(new Date('2026-02-10T00:00:00.000Z'))).to.equal('valentines');
    expect(seasonOf(new Date('2026-03-10T00:00:00.000Z'))).to.equal(null);
    expect(seasonOf(new Date('2025-10-20T00:00:00.000Z'))).to.equal('diwali');
  });

  it('gives half the shoppers favourites of catalog products, and views with every order', () => {
    const known = new Set(products.map((p) => p.id));
    const withFavourites = history.wishlists.size / history.shoppers.length;
    expect(withFavourites).to.be.within(0.35, 0.65);
    for (const ids of history.wishlists.values()) {
      expect(ids.length).to.be.within(1, 4);
      expect(ids.every((id) => known.has(id))).to.equal(true);
    }
    for (const { order, views } of history.orders) {
      for (const line of order.items)
        expect(views.some((v) => v.productId === line.productId)).to.equal(true);
      expect(views.every((v) => v.day === dayKey(order.createdAt))).to.equal(true);
    }
  });
});
