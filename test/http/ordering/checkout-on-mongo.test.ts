import { expect } from 'chai';
import type { Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { ADDRESS, aProduct } from '../../support/kit.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

/**
 * Checkout of one hot product on MongoDB (FerretDB) + Redis: 50 buyers at once each get a clear
 * answer (placed, or out of stock), stock stays exact, and the commands one order costs are
 * counted with the driver's command monitoring.
 */
describeWith(
  ['mongo', 'redis'],
  'http/ordering: checkout of one hot product on MongoDB + Redis',
  function () {
    this.timeout(180_000);
    let t: TestApp;
    let db: NonNullable<Connection['db']>;
    const commands: CommandStartedEvent[] = [];
    let ferret = false; // the DocumentLock is used on FerretDB only

    before(async () => {
      const uri = new URL(mongoTestUri('hot_checkout'));
      uri.searchParams.set('monitorCommands', 'true');
      t = await buildTestApp({ MONGODB_URI: uri.toString(), REDIS_URL: serviceUrl('redis') });
      const connection = t.container.get<Connection>(MONGO_CONNECTION);
      db = connection.db!;
      connection.getClient().on('commandStarted', (event) => commands.push(event));
      ferret = 'ferretdbVersion' in (await db.admin().command({ buildInfo: 1 }));
    });
    after(async () => {
      await t.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await t.close();
    });

    const order = (token: string, productId: string, quantity = 1) =>
      t.request({
        method: 'POST',
        url: '/api/orders',
        token,
        body: { items: [{ product: productId, quantity }], shippingAddress: ADDRESS },
      });

    async function shoppers(n: number): Promise<string[]> {
      const tokens: string[] = [];
      for (let i = 0; i < n; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, n - i) }, async () => (await registerUser(t)).token),
        );
        tokens.push(...batch);
      }
      return tokens;
    }

    it('50 parallel buyers of 30 units: 30 placed, 20 INSUFFICIENT_STOCK, no 500, stock exact', async () => {
      const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      const START = 30;
      const p = await products.create(
        aProduct({
          name: 'Hot Tulips',
          inventory: { stock: START, lowStockThreshold: 1, isAvailable: true },
        }),
      );
      const tokens = await shoppers(50);
      const answers = await Promise.all(tokens.map((token) => order(token, p.id)));

      for (const r of answers) expect(r.statusCode, r.body).to.be.oneOf([201, 400]);
      const placed = answers.filter((r) => r.statusCode === 201);
      const refused = answers.filter((r) => r.statusCode === 400);
      expect(placed).to.have.length(START);
      for (const r of refused) expect(r.json().code, r.body).to.equal('INSUFFICIENT_STOCK');

      const stored = await db.collection('products').findOne({ _id: p.id as never });
      expect(stored!.inventory.stock).to.equal(0);
      expect(stored!.salesCount).to.equal(START);
      expect(stored!.reservationIds ?? []).to.deep.equal([]);
      expect(await db.collection('orders').countDocuments({ 'items.productId': p.id })).to.equal(START);
      // The ledger has one sale per placed order, and no movement is left parked on the product.
      const sales = await db
        .collection('stock_movements')
        .find({ productId: p.id, reason: 'sale' })
        .toArray();
      expect(sales.map((m) => m.quantity)).to.deep.equal(Array.from({ length: START }, () => -1));
      expect(Object.keys(stored!.pendingMovements ?? {})).to.deep.equal([]);
      expect(await db.collection('stock_reservations').countDocuments({ productId: p.id })).to.equal(0);
    });

    it('50 parallel buyers with enough stock: every one placed, stock down by exactly 50', async () => {
      const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      const p = await products.create(
        aProduct({
          name: 'Plenty Roses',
          inventory: { stock: 1000, lowStockThreshold: 1, isAvailable: true },
        }),
      );
      const tokens = await shoppers(50);
      commands.length = 0;
      const answers = await Promise.all(tokens.map((token) => order(token, p.id)));
      for (const r of answers) expect(r.statusCode, r.body).to.equal(201);
      // The product's lock is handed down the queue of this process: far fewer lock inserts than
      // orders (each order writes the product 2 or 3 times; before, each write inserted the lock).
      const productLocks = commands.filter(
        (c) =>
          c.commandName === 'insert' &&
          c.command.insert === 'document_locks' &&
          (c.command.documents as { _id: string }[])[0]?._id === `products:${p.id}`,
      );
      console.log(
        `      50 parallel orders: ${commands.length / 50} MongoDB commands per order, ${productLocks.length} inserts of the product's lock`,
      );
      if (ferret) expect(productLocks.length).to.be.below(50);
      const stored = await db.collection('products').findOne({ _id: p.id as never });
      expect(stored!.inventory.stock).to.equal(950);
      expect(stored!.salesCount).to.equal(50); // counted once each, in batched writes
      expect(stored!.reservationIds ?? []).to.deep.equal([]);
      expect(Object.keys(stored!.pendingMovements ?? {})).to.deep.equal([]);
    });

    it('sales of one product recorded in parallel are counted exactly, in fewer writes than sales', async () => {
      const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      const p = await products.create(aProduct({ name: 'Batched Daisies' }));
      commands.length = 0;
      await Promise.all(Array.from({ length: 40 }, (_, i) => products.recordSale(p.id, 1 + (i % 3))));
      const stored = await db.collection('products').findOne({ _id: p.id as never });
      const expected = Array.from({ length: 40 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);
      expect(stored!.salesCount).to.equal(expected);
      const writes = commands.filter((c) => c.commandName === 'update' && c.command.update === 'products');
      expect(writes.length).to.be.at.least(1).and.below(40);
    });

    it('counts the MongoDB commands of one order: the hot product is written 3 times, not 4', async () => {
      const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      const p = await products.create(aProduct({ name: 'Counted Lilies' }));
      const [token] = await shoppers(1);
      expect((await order(token!, p.id)).statusCode).to.equal(201); // warm: first-use reads
      await new Promise((r) => setTimeout(r, 300)); // background handlers of the warm order
      const N = 5;
      commands.length = 0;
      for (let i = 0; i < N; i++) expect((await order(token!, p.id)).statusCode).to.equal(201);
      await new Promise((r) => setTimeout(r, 500)); // background handlers finish
      const byName = new Map<string, number>();
      for (const c of commands) {
        const coll = String((c.command as Record<string, unknown>)[c.commandName] ?? '');
        const k = `${c.commandName} ${coll}`;
        byName.set(k, (byName.get(k) ?? 0) + 1);
      }
      const perOrder = commands.length / N;
      console.log(`      ${perOrder} MongoDB commands per order:`);
      for (const [k, n] of [...byName].sort((a, b) => b[1] - a[1])) console.log(`        ${n / N}\t${k}`);
      // Reserve, commit (which also unsets the sale movement the reserve parked), the sale count:
      // 4 before the reserve's movement was unset by the commit.
      expect(byName.get('update products')).to.equal(3 * N);
      expect(perOrder).to.be.below(50); // 50-52 before
    });
  },
);
