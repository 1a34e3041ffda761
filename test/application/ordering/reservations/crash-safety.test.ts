import { expect } from 'chai';
import sinon from 'sinon';
import { describeWith } from '../../../support/services.js';
import { ADDRESS, FIXED_NOW, aProduct, TestClock } from '../../../support/kit.js';
import { useMongo } from '../../../support/mongo.js';
import { allIntents, memoryStores, mongoStores, processOver, TTL_MS, type Stores } from './world.js';

/** What a process that dies mid-call leaves: no catch in the use case handles it as a failure to compensate. */
class ProcessDied extends Error {}

const PORT_METHODS = {
  products: ['findById', 'findByIds', 'search', 'all', 'create', 'update', 'delete', 'recordSale'],
  stock: [
    'reserveStock',
    'commitReservation',
    'releaseReservation',
    'pendingReservations',
    'releaseStock',
    'setStock',
    'adjustStock',
  ],
  orders: ['create', 'update', 'findById', 'findByNumber', 'findByUser', 'list', 'listCreatedBetween'],
  reservations: ['record', 'remove', 'expired'],
} as const;

type Mode = 'before' | 'after';

/**
 * Wraps every port method of the stores: the `killAt`-th call dies (before reaching the store,
 * or after the store applied it but before the answer came back), and every call after it
 * dies too, as nothing of a dead process reaches the store any more. Answers the call log.
 */
function killSwitch(stores: Stores, killAt: number, mode: Mode): string[] {
  const log: string[] = [];
  let dead = false;
  for (const [store, methods] of Object.entries(PORT_METHODS) as [keyof Stores, readonly string[]][]) {
    const target = stores[store] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const method of methods) {
      const original = target[method]!.bind(target);
      sinon.stub(target, method).callsFake(async (...args: unknown[]) => {
        if (dead) throw new ProcessDied(`dead before ${store}.${method}`);
        log.push(`${store}.${method}`);
        if (log.length === killAt && mode === 'before') {
          dead = true;
          throw new ProcessDied(`died calling ${store}.${method}`);
        }
        const result = await original(...args);
        if (log.length === killAt && mode === 'after') {
          dead = true;
          throw new ProcessDied(`died after ${store}.${method}`);
        }
        return result;
      });
    }
  }
  return log;
}

const INITIAL = { a: 10, b: 7 };
const ORDERED = { a: 2, b: 3 };

function crashSuite(fresh: () => Promise<Stores>): void {
  let stores: Stores;
  let ids: { a: string; b: string };

  async function arrange(): Promise<void> {
    stores = await fresh();
    const a = await stores.products.create(
      aProduct({
        id: 'a00000000000000000000001',
        inventory: { stock: INITIAL.a, lowStockThreshold: 1, isAvailable: true },
      }),
    );
    const b = await stores.products.create(
      aProduct({
        id: 'a00000000000000000000002',
        inventory: { stock: INITIAL.b, lowStockThreshold: 1, isAvailable: true },
      }),
    );
    ids = { a: a.id, b: b.id };
  }

  function place(p: ReturnType<typeof processOver>) {
    return p.place.execute({
      userId: 'u00000000000000000000001',
      shippingAddress: ADDRESS,
      lines: {
        from: 'request',
        items: [
          { productId: ids.a, quantity: ORDERED.a },
          { productId: ids.b, quantity: ORDERED.b },
        ],
      },
    });
  }

  async function state() {
    const [a, b] = await stores.products.findByIds([ids.a, ids.b]);
    const orders = await stores.orders.list({}, 1, 10);
    return {
      stock: { a: a!.inventory.stock, b: b!.inventory.stock },
      markers: [
        ...(await stores.stock.pendingReservations(ids.a)),
        ...(await stores.stock.pendingReservations(ids.b)),
      ],
      intents: (await allIntents(stores)).length,
      orders: orders.total,
    };
  }

  afterEach(() => sinon.restore());

  it('an uninterrupted placement leaves no markers or intents and takes the stock once', async () => {
    await arrange();
    const log = killSwitch(stores, Infinity, 'before');
    const placed = await place(processOver(stores));
    expect(placed.isOk()).to.equal(true);
    // The steps the interruptions below cut through, in order.
    expect(log).to.deep.equal([
      'products.findByIds',
      'orders.findByNumber',
      'reservations.record',
      'stock.reserveStock',
      'stock.reserveStock',
      'orders.create',
      'stock.commitReservation',
      'stock.commitReservation',
      'reservations.remove',
    ]);
    sinon.restore();
    expect(await state()).to.deep.equal({
      stock: { a: INITIAL.a - ORDERED.a, b: INITIAL.b - ORDERED.b },
      markers: [],
      intents: 0,
      orders: 1,
    });
  });

  const STEPS = 9;
  const CREATE_AT = 6;
  for (const mode of ['before', 'after'] as const) {
    it(`interrupted at every step (dying ${mode} each store call): once the intents expire, the sweeper settles the stock exactly`, async () => {
      const outcomes: string[] = [];
      for (let killAt = 1; killAt <= STEPS; killAt++) {
        await arrange();
        const log = killSwitch(stores, killAt, mode);
        const dying = processOver(stores);
        await place(dying).catch((error: unknown) => {
          if (!(error instanceof ProcessDied)) throw error;
        });
        const died = log[killAt - 1];
        sinon.restore();

        const left = await state();
        const orderStored = killAt > CREATE_AT || (killAt === CREATE_AT && mode === 'after');
        expect(left.orders, `${mode} ${died}`).to.equal(orderStored ? 1 : 0);

        // A new process: nothing is settled before the intents expire...
        const clock = new TestClock(new Date(FIXED_NOW.getTime() + TTL_MS - 1));
        const early = processOver(stores, clock);
        expect((await early.sweep.execute()).unwrap(), `${mode} ${died}`).to.deep.equal({
          committed: 0,
          released: 0,
          dropped: 0,
        });
        expect(await state()).to.deep.equal(left);

        // ...then two sweepers race over the expired intents.
        clock.set(new Date(FIXED_NOW.getTime() + TTL_MS + 1));
        const rival = processOver(stores, new TestClock(clock.now()));
        const [one, two] = await Promise.all([early.sweep.execute(), rival.sweep.execute()]);
        const settled = { ...one.unwrap() };
        for (const k of ['committed', 'released', 'dropped'] as const) settled[k] += two.unwrap()[k];

        const taken = orderStored ? 1 : 0;
        const after = await state();
        expect(after, `${mode} ${died}`).to.deep.equal({
          stock: { a: INITIAL.a - taken * ORDERED.a, b: INITIAL.b - taken * ORDERED.b },
          markers: [],
          intents: 0,
          orders: taken,
        });
        // each marker the dead process left was settled exactly once
        expect(settled.committed + settled.released, `${mode} ${died}`).to.equal(left.markers.length);
        if (orderStored) expect(settled.released).to.equal(0);
        else expect(settled.committed).to.equal(0);

        // running it again changes nothing
        expect((await rival.sweep.execute()).unwrap()).to.deep.equal({
          committed: 0,
          released: 0,
          dropped: 0,
        });
        expect(await state()).to.deep.equal(after);
        outcomes.push(`${died}:${left.markers.length}/${left.intents}->${taken}`);
      }
      // every step was cut through, both with and without a stored order
      expect(outcomes).to.have.length(STEPS);
      expect(outcomes.filter((o) => o.endsWith('->1'))).to.have.length(
        mode === 'after' ? STEPS - CREATE_AT + 1 : STEPS - CREATE_AT,
      );
    });
  }

  it('a failure a live process survives is compensated at once; the sweeper then finds nothing', async () => {
    await arrange();
    const p = processOver(stores);
    sinon.stub(stores.orders, 'create').rejects(new Error('write failed'));
    const result = await place(p).catch((error: unknown) => error);
    expect((result as Error).message).to.equal('write failed');
    sinon.restore();
    expect(await state()).to.deep.equal({ stock: INITIAL, markers: [], intents: 0, orders: 0 });
  });
}

describe('application/ordering reservations: a placement killed at any step loses no stock (memory)', () =>
  crashSuite(async () => memoryStores()));

describeWith(
  ['mongo'],
  'application/ordering reservations: a placement killed at any step loses no stock (mongo)',
  function () {
    this.timeout(120_000);
    const mongo = useMongo('crash');
    crashSuite(async () => {
      const stores = mongoStores(mongo.connection());
      await mongo.reset();
      return stores;
    });
  },
);
