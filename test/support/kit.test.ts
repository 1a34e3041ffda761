import { stockChanged } from '../../domain/catalog/events.js';
import { expect } from 'chai';
import { isOrderNumber } from '../../domain/ordering/order-number.js';
import {
  aCart,
  anOrder,
  aPlacedOrder,
  aUser,
  FIXED_NOW,
  RecordingBus,
  SequentialIds,
  TestClock,
} from './kit.js';

describe('test kit', () => {
  it('TestClock starts at FIXED_NOW and moves only when told; now() hands out copies', () => {
    const clock = new TestClock();
    expect(clock.now()).to.deep.equal(FIXED_NOW);
    clock.now().setTime(0);
    expect(clock.now()).to.deep.equal(FIXED_NOW);
    clock.advance(1500);
    expect(clock.now().getTime()).to.equal(FIXED_NOW.getTime() + 1500);
    clock.set('2026-07-01T00:00:00.000Z');
    expect(clock.now().toISOString()).to.equal('2026-07-01T00:00:00.000Z');
  });

  it('SequentialIds answers distinct 24-hex ids in order', () => {
    const ids = new SequentialIds();
    const [a, b] = [ids.next(), ids.next()];
    expect(a).to.match(/^[0-9a-f]{24}$/);
    expect(b).to.match(/^[0-9a-f]{24}$/);
    expect(a < b).to.equal(true);
  });

  it('RecordingBus records what is published and delivers it through the real dispatcher', async () => {
    const bus = new RecordingBus();
    const seen: string[] = [];
    bus.subscribe('catalog.stock-changed', {
      name: 'Fleet',
      handle: async (e) => void seen.push(`fleet:${e.payload.productId}`),
    });
    bus.subscribe('catalog.stock-changed', {
      name: 'Local',
      scope: 'instance',
      handle: async (e) => void seen.push(`local:${e.payload.productId}`),
    });
    const event = stockChanged('p1', 3, FIXED_NOW, 'v2');
    await bus.publish([event]);
    await bus.publish([event]); // a redelivery: every handler has run already
    expect(bus.types()).to.deep.equal(['catalog.stock-changed', 'catalog.stock-changed']);
    expect(seen).to.have.members(['fleet:p1', 'local:p1']).and.to.have.length(2);
    expect(bus.hasSubscriber('catalog.stock-changed')).to.equal(true);
    expect(bus.hasSubscriber('catalog.product-created')).to.equal(false);
  });

  it('the mothers build valid, distinct aggregates and apply overrides', () => {
    expect(aUser().id).to.not.equal(aUser().id);
    expect(aUser({ role: 'admin' }).role).to.equal('admin');
    const cart = aCart({ items: [{ productId: 'p', quantity: 2, unitPrice: 100 }] });
    expect(cart.items[0]!.id).to.match(/^[0-9a-f]{24}$/);
    const first = anOrder();
    const second = anOrder({ userId: 'u1', items: ['p1', { productId: 'p2', quantity: 3 }] });
    expect(isOrderNumber(first.orderNumber)).to.equal(true);
    expect(second.orderNumber).to.not.equal(first.orderNumber);
    expect(second.userId).to.equal('u1');
    expect(second.items.map((l) => [l.productId, l.quantity])).to.deep.equal([
      ['p1', 1],
      ['p2', 3],
    ]);
    expect(anOrder({ status: 'delivered' }).status).to.equal('delivered');
    expect(aPlacedOrder().events).to.have.length(1); // the placement event
  });
});
