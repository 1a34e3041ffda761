import { expect } from 'chai';
import sinon from 'sinon';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { STOCK_STORE, type StockStore } from '../../../application/inventory/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../../application/ordering/ports.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct } from '../../support/kit.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import type { Product } from '../../../domain/catalog/product.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Called right after every stock movement (reserve/release), when a test sets it. */
let afterStockMove: (() => void) | null = null;

function withLatency<T extends object>(target: T, methods: (keyof T & string)[]): void {
  for (const name of methods) {
    const original = (target[name] as (...args: unknown[]) => Promise<unknown>).bind(target);
    sinon.stub(target, name).callsFake((async (...args: unknown[]) => {
      await tick();
      const result = await original(...args);
      if (name === 'reserveStock' || name === 'releaseStock' || name === 'releaseReservation')
        afterStockMove?.();
      return result;
    }) as never);
  }
}

describe('http/ordering: concurrent orders never oversell', () => {
  let t: TestApp;
  let products: ProductRepository;
  let orders: OrderRepository;

  beforeEach(async () => {
    t = await buildTestApp();
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    orders = t.container.get<OrderRepository>(ORDER_REPOSITORY);
    // The memory store answers within one tick, which would let each request run start to finish
    // on its own. A macrotask of "I/O latency" before every repository call makes the requests
    // interleave at every step, as they would against a real database.
    withLatency(products, ['findById', 'findByIds', 'recordSale', 'update']);
    withLatency(t.container.get<StockStore>(STOCK_STORE), [
      'reserveStock',
      'commitReservation',
      'releaseReservation',
      'releaseStock',
      'setStock',
    ]);
    withLatency(orders, ['findById', 'findByNumber', 'create', 'update']);
  });
  afterEach(async () => {
    afterStockMove = null;
    sinon.restore();
    await t.close();
  });

  async function shoppers(n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await registerUser(t)).token);
    return out;
  }

  function order(token: string, productId: string) {
    return t.request({
      method: 'POST',
      url: '/api/orders',
      token,
      body: { items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS },
    });
  }

  it('60 shoppers race for 5 units: exactly 5 orders, the rest INSUFFICIENT_STOCK, stock 0', async () => {
    const p = await products.create(
      aProduct({ name: 'Last Peonies', inventory: { stock: 5, lowStockThreshold: 1, isAvailable: true } }),
    );
    const tokens = await shoppers(60);
    const responses = await Promise.all(tokens.map((token) => order(token, p.id)));

    const created = responses.filter((r) => r.statusCode === 201);
    const refused = responses.filter((r) => r.statusCode === 400);
    expect(created).to.have.length(5);
    expect(refused).to.have.length(55);
    for (const r of refused) {
      expect(r.json()).to.deep.include({
        code: 'INSUFFICIENT_STOCK',
        message: 'Insufficient stock for Last Peonies',
      });
    }
    expect((await products.findById(p.id))!.inventory.stock).to.equal(0);
    const stored = await orders.list({}, 1, 100);
    expect(stored.total).to.equal(5);
    expect(new Set(stored.items.map((o) => o.orderNumber)).size).to.equal(5);
    expect(stored.items.map((o) => o.id).sort()).to.deep.equal(created.map((r) => r.json().data._id).sort());
  });

  it('concurrent cancels and orders keep stock within [0, start] and equal to start minus live orders', async () => {
    const START = 6;
    const p = await products.create(
      aProduct({ inventory: { stock: START, lowStockThreshold: 1, isAvailable: true } }),
    );
    // Watch every stock movement while the race runs.
    const seen: number[] = [];
    afterStockMove = () => {
      // read the stored record synchronously, right after the movement
      seen.push(
        (t.container.get<MemoryDatabase>(MemoryDatabase).collection<Product>('products').get(p.id) as Product)
          .inventory.stock,
      );
    };

    const first = await shoppers(6);
    const placed = await Promise.all(first.map((token) => order(token, p.id)));
    expect(placed.map((r) => r.statusCode)).to.deep.equal([201, 201, 201, 201, 201, 201]);
    expect((await products.findById(p.id))!.inventory.stock).to.equal(0);

    const newcomers = await shoppers(30);
    const race = await Promise.all([
      // each owner cancels twice at once: only one cancellation may return the stock
      ...placed.flatMap((r, i) => {
        const url = `/api/orders/${r.json().data._id}/cancel`;
        return [
          t.request({ method: 'PUT', url, token: first[i]!, body: {} }),
          t.request({ method: 'PUT', url, token: first[i]!, body: {} }),
        ];
      }),
      ...newcomers.map((token) => order(token, p.id)),
    ]);
    const cancels = race.slice(0, 12);
    const orderAnswers = race.slice(12);
    expect(cancels.filter((r) => r.statusCode === 200)).to.have.length(6);
    expect(cancels.filter((r) => r.statusCode === 400)).to.have.length(6);
    for (const r of orderAnswers) {
      expect(r.statusCode, r.body).to.be.oneOf([201, 400]);
      if (r.statusCode === 400) expect(r.json().code).to.equal('INSUFFICIENT_STOCK');
    }

    const stock = (await products.findById(p.id))!.inventory.stock;
    const live = (await orders.list({}, 1, 100)).items.filter((o) => o.status !== 'cancelled');
    const liveUnits = live.reduce((s, o) => s + o.items.reduce((q, l) => q + l.quantity, 0), 0);
    expect(stock).to.equal(START - liveUnits);
    expect(live.length).to.equal(orderAnswers.filter((r) => r.statusCode === 201).length);
    expect(live.length).to.be.at.most(START);
    expect(seen.length).to.be.greaterThan(0);
    expect(Math.min(...seen)).to.be.at.least(0);
    expect(Math.max(...seen)).to.be.at.most(START);
  });
});
