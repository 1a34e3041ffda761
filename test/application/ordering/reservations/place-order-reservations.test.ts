import { expect } from 'chai';
import sinon from 'sinon';
import { ADDRESS, FIXED_NOW, aProduct, TestClock } from '../../../support/kit.js';
import { allIntents, memoryStores, processOver, TTL_MS, type Stores } from './world.js';

describe('application/ordering reservations: PlaceOrder and the sweeper', () => {
  let stores: Stores;
  let p: ReturnType<typeof processOver>;
  let productId: string;

  beforeEach(async () => {
    stores = memoryStores();
    p = processOver(stores);
    productId = (
      await stores.products.create(
        aProduct({ inventory: { stock: 10, lowStockThreshold: 1, isAvailable: true } }),
      )
    ).id;
  });
  afterEach(() => sinon.restore());

  const place = (quantity = 4) =>
    p.place.execute({
      userId: 'u00000000000000000000001',
      shippingAddress: ADDRESS,
      lines: { from: 'request', items: [{ productId, quantity }] },
    });
  const stock = async () => (await stores.products.findById(productId))!.inventory.stock;

  it('records one intent per product with the order id and the expiry, before taking stock', async () => {
    const recorded = sinon.spy(stores.reservations, 'record');
    const reserve = sinon.spy(stores.stock, 'reserveStock');
    const order = (await place()).unwrap().order;
    expect(recorded.calledBefore(reserve)).to.equal(true);
    const [intents] = recorded.firstCall.args;
    expect(intents).to.deep.equal([
      {
        id: reserve.firstCall.args[2],
        orderId: order.id,
        productId,
        quantity: 4,
        expiresAt: new Date(FIXED_NOW.getTime() + TTL_MS),
      },
    ]);
    expect(await allIntents(stores)).to.deep.equal([]);
  });

  it('a commit that fails leaves the order placed; the sweeper commits it later without touching stock', async () => {
    sinon.stub(stores.stock, 'commitReservation').rejects(new Error('network blip'));
    const placed = await place();
    expect(placed.isOk()).to.equal(true);
    expect(p.warnings).to.include('committing stock reservations failed; the sweeper will finish');
    sinon.restore();
    expect(await stock()).to.equal(6);
    expect(await stores.stock.pendingReservations(productId)).to.have.length(1);
    p.clock.set(new Date(FIXED_NOW.getTime() + TTL_MS));
    expect((await p.sweep.execute()).unwrap()).to.deep.equal({ committed: 1, released: 0, dropped: 0 });
    expect(await stock()).to.equal(6);
    expect(await stores.stock.pendingReservations(productId)).to.deep.equal([]);
    expect(await allIntents(stores)).to.deep.equal([]);
  });

  it('an order write that threw but was stored keeps its stock', async () => {
    const create = stores.orders.create.bind(stores.orders);
    sinon.stub(stores.orders, 'create').callsFake(async (order) => {
      await create(order, []);
      throw new Error('reply lost');
    });
    const failed = await place().catch((error: unknown) => error);
    expect((failed as Error).message).to.equal('reply lost');
    sinon.restore();
    expect((await stores.orders.list({}, 1, 10)).total).to.equal(1);
    expect(await stock()).to.equal(6);
    expect(await stores.stock.pendingReservations(productId)).to.deep.equal([]);
    expect(await allIntents(stores)).to.deep.equal([]);
  });

  it('when compensation itself fails the intents stay, and the sweeper puts the stock back later', async () => {
    sinon.stub(stores.orders, 'create').rejects(new Error('write failed'));
    sinon.stub(stores.stock, 'releaseReservation').rejects(new Error('still down'));
    await place().catch(() => undefined);
    sinon.restore();
    expect(await stock()).to.equal(6);
    expect(await allIntents(stores)).to.have.length(1);
    p.clock.set(new Date(FIXED_NOW.getTime() + TTL_MS));
    expect((await p.sweep.execute()).unwrap()).to.deep.equal({ committed: 0, released: 1, dropped: 0 });
    expect(await stock()).to.equal(10);
  });

  it('a placement that outlives its reservation takes the stock again when it commits', async () => {
    // the sweeper of another process runs while this placement is between reserving and saving
    const create = stores.orders.create.bind(stores.orders);
    const sweeper = processOver(stores, new TestClock(new Date(FIXED_NOW.getTime() + TTL_MS + 1)));
    let swept: unknown;
    sinon.stub(stores.orders, 'create').callsFake(async (order) => {
      swept = (await sweeper.sweep.execute()).unwrap();
      return create(order, []);
    });
    const placed = await place();
    expect(placed.isOk()).to.equal(true);
    expect(swept).to.deep.equal({ committed: 0, released: 1, dropped: 0 });
    expect(p.warnings).to.include(
      'stock reservation had expired before the order was stored; stock taken again',
    );
    expect(await stock()).to.equal(6);
    expect(await stores.stock.pendingReservations(productId)).to.deep.equal([]);
  });

  it('the sweeper drops an intent whose stock was never taken, and works through many intents', async () => {
    const intents = Array.from({ length: 230 }, (_, i) => ({
      id: `ab${i.toString(16).padStart(22, '0')}`,
      orderId: 'f00000000000000000000000',
      productId,
      quantity: 1,
      expiresAt: FIXED_NOW,
    }));
    await stores.reservations.record(intents);
    for (const r of intents.slice(0, 5)) await stores.stock.reserveStock(productId, 1, r.id);
    expect(await stock()).to.equal(5);
    expect((await p.sweep.execute()).unwrap()).to.deep.equal({ committed: 0, released: 5, dropped: 225 });
    expect(await stock()).to.equal(10);
    expect(await allIntents(stores)).to.deep.equal([]);
  });
});
