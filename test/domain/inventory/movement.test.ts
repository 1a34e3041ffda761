import { expect } from 'chai';
import fc from 'fast-check';
import {
  ledgerSum,
  outOfStockDays,
  sellThrough,
  type StockMovement,
} from '../../../domain/inventory/movement.js';

const DAY = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z').getTime();
const mv = (day: number, quantity: number): StockMovement => ({
  id: `m${day}-${quantity}`,
  productId: 'p',
  quantity,
  reason: quantity > 0 ? 'restock' : 'sale',
  actor: 'a',
  reference: '',
  at: new Date(t0 + day * DAY),
});

describe('domain/inventory movement', () => {
  it('ledgerSum adds signed quantities', () => {
    expect(ledgerSum([mv(0, 5), mv(1, -2), mv(2, 3)])).to.equal(6);
    expect(ledgerSum([])).to.equal(0);
  });

  it('sellThrough = sold / (sold + on hand), 4 decimals, 0 when nothing', () => {
    expect(sellThrough(2, 4)).to.equal(0.3333);
    expect(sellThrough(0, 0)).to.equal(0);
    expect(sellThrough(5, 0)).to.equal(1);
  });

  it('outOfStockDays counts the zero-stock time inside the period from the ledger', () => {
    // stock 5 on day 0, 0 from day 2 to day 5, 3 from day 5 on.
    const ms = [mv(0, 5), mv(2, -5), mv(5, 3)];
    const at = (d: number) => new Date(t0 + d * DAY);
    expect(outOfStockDays(ms, at(0), at(10))).to.equal(3);
    expect(outOfStockDays(ms, at(3), at(4))).to.equal(1);
    expect(outOfStockDays(ms, at(6), at(8))).to.equal(0);
    expect(outOfStockDays([mv(0, 1), mv(1, -1)], at(0), at(3))).to.equal(2);
    // before the product existed does not count
    expect(outOfStockDays([mv(4, -0)], at(0), at(6), at(4))).to.equal(2);
    expect(outOfStockDays([], at(5), at(1))).to.equal(0);
  });

  it('outOfStockDays is within [0, period] for any ledger', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: -3, max: 3 }))),
        (xs) => {
          const d = outOfStockDays(
            xs.map(([day, q]) => mv(day, q)),
            new Date(t0),
            new Date(t0 + 20 * DAY),
          );
          expect(d).to.be.within(0, 20);
        },
      ),
    );
  });
});
