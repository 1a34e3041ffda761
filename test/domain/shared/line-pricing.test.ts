import { expect } from 'chai';
import fc from 'fast-check';
import {
  chooseOption,
  findOption,
  lineTotal,
  lineUnitPrice,
  promoLines,
  repriceLine,
  repriceOption,
  type OptionOffer,
} from '../../../domain/shared/line-pricing.js';

const offer: OptionOffer = {
  name: 'Red Roses',
  sizes: [
    { name: 'Standard', price: 0 },
    { name: 'Deluxe ', price: 50000 },
  ],
  vases: [{ name: 'Glass', price: 30000 }],
};

describe('domain/shared/line-pricing', () => {
  describe('chooseOption', () => {
    it("chooses by name ignoring case and surrounding spaces, under the product's spelling and price", () => {
      expect(chooseOption(offer, 'size', '  deluxe').unwrap()).to.deep.equal({
        name: 'Deluxe ',
        price: 50000,
      });
      expect(chooseOption(offer, 'vase', 'GLASS').unwrap()).to.deep.equal({ name: 'Glass', price: 30000 });
      expect(findOption(offer.sizes, 'STANDARD ')).to.equal(offer.sizes[0]);
    });

    it('takes an absent or blank name as no option', () => {
      expect(chooseOption(offer, 'size', undefined).unwrap()).to.equal(undefined);
      expect(chooseOption(offer, 'vase', '   ').unwrap()).to.equal(undefined);
    });

    it('refuses an unknown option with one UNKNOWN_OPTION message naming kind, option and product', () => {
      const err = chooseOption(offer, 'vase', 'crystal').unwrapErr();
      expect(err).to.deep.equal({
        code: 'UNKNOWN_OPTION',
        message: "Unknown vase 'crystal' for product 'Red Roses'",
        details: { option: 'vase', name: 'crystal' },
      });
    });

    it('falls back to a stored choice when the product no longer offers it, and prefers the offer', () => {
      const stored = { name: 'Gold', price: 99900 };
      expect(chooseOption(offer, 'vase', 'Gold', stored).unwrap()).to.deep.equal(stored);
      expect(chooseOption(offer, 'vase', 'glass', { name: 'glass', price: 1 }).unwrap()).to.deep.equal({
        name: 'Glass',
        price: 30000,
      });
    });
  });

  describe('repriceOption / repriceLine', () => {
    it('takes the current price under the stored name, keeps a withdrawn option, same object when unchanged', () => {
      const deluxe = { name: 'deluxe', price: 40000 };
      expect(repriceOption(deluxe, offer.sizes)).to.deep.equal({ name: 'deluxe', price: 50000 });
      const gone = { name: 'Huge', price: 70000 };
      expect(repriceOption(gone, offer.sizes)).to.equal(gone);
      const same = { name: 'Glass', price: 30000 };
      expect(repriceOption(same, offer.vases)).to.equal(same);
      expect(repriceOption(undefined, offer.vases)).to.equal(undefined);
    });

    it('re-prices base and options, answering the same line when nothing changed', () => {
      const product = { ...offer, price: 120000 };
      const line = { id: 'l1', unitPrice: 100000, quantity: 2, size: { name: 'Deluxe ', price: 1 } };
      expect(repriceLine(line, product)).to.deep.equal({
        id: 'l1',
        unitPrice: 120000,
        quantity: 2,
        size: { name: 'Deluxe ', price: 50000 },
      });
      const current = { unitPrice: 120000, quantity: 1, vase: { name: 'Glass', price: 30000 } };
      expect(repriceLine(current, product)).to.equal(current);
    });
  });

  describe('line totals', () => {
    it('prices a line as (unit + size + vase) x quantity', () => {
      const line = { unitPrice: 1000, quantity: 3, size: { price: 250 }, vase: { price: 125 } };
      expect(lineUnitPrice(line)).to.equal(1375);
      expect(lineTotal(line)).to.equal(4125);
      expect(lineTotal({ unitPrice: 1000, quantity: 2 })).to.equal(2000);
    });

    it('is linear in quantity and additive in the add-ons (property)', () => {
      const money = fc.integer({ min: 0, max: 10_000_000 });
      fc.assert(
        fc.property(money, money, money, fc.integer({ min: 1, max: 1000 }), (unit, size, vase, qty) => {
          const bare = { unitPrice: unit, quantity: qty };
          const full = { ...bare, size: { price: size }, vase: { price: vase } };
          expect(lineTotal(full)).to.equal(lineUnitPrice(full) * qty);
          expect(lineTotal(full)).to.equal(
            lineTotal(bare) +
              lineTotal({ unitPrice: size, quantity: qty }) +
              lineTotal({ unitPrice: vase, quantity: qty }),
          );
          expect(Number.isSafeInteger(lineTotal(full))).to.equal(true);
        }),
      );
    });
  });

  describe('promoLines', () => {
    it("gives each line's total under its product's category, '' without one, and drops lines of gone products", () => {
      const products = new Map([
        ['p1', { categoryId: 'roses' }],
        ['p2', { categoryId: null }],
      ]);
      const lines = [
        { productId: 'p1', unitPrice: 1000, quantity: 2, size: { price: 500 } },
        { productId: 'p2', unitPrice: 300, quantity: 1 },
        { productId: 'gone', unitPrice: 999, quantity: 1 },
      ];
      expect(promoLines(lines, products)).to.deep.equal([
        { categoryId: 'roses', total: 3000 },
        { categoryId: '', total: 300 },
      ]);
    });

    it('sums to the sum of line totals when every product is known (property)', () => {
      const line = fc.record({
        productId: fc.constantFrom('a', 'b', 'c'),
        unitPrice: fc.integer({ min: 0, max: 1_000_000 }),
        quantity: fc.integer({ min: 1, max: 100 }),
      });
      const products = new Map([
        ['a', { categoryId: 'x' }],
        ['b', { categoryId: 'y' }],
        ['c', {}],
      ]);
      fc.assert(
        fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
          const total = promoLines(lines, products).reduce((s, l) => s + l.total, 0);
          expect(total).to.equal(lines.reduce((s, l) => s + lineTotal(l), 0));
        }),
      );
    });
  });
});
