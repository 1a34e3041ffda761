import { expect } from 'chai';
import fc from 'fast-check';
import { rankSuggestions, suggestionScore } from '../../../domain/catalog/suggestions.js';
import { aProduct } from '../../support/kit.js';

describe('domain/catalog suggestions (compat 2.1)', () => {
  it('scores 10·popular + 5·featured + 2·average + 3 when count >= 5', () => {
    const p = (isPopular: boolean, isFeatured: boolean, average: number, count: number) =>
      suggestionScore(aProduct({ isPopular, isFeatured, ratings: { average, count } }));
    expect(p(true, true, 4.5, 5)).to.equal(27);
    expect(p(true, false, 4.3, 4)).to.equal(18.6);
    expect(p(false, true, 0, 0)).to.equal(5);
    expect(p(false, false, 5, 100)).to.equal(13);
  });

  it('skips unavailable and out-of-stock products, then sorts by score, rating, newest', () => {
    const older = new Date('2026-01-01T00:00:00Z');
    const newer = new Date('2026-02-01T00:00:00Z');
    const a = aProduct({ name: 'a', isPopular: true, ratings: { average: 3, count: 1 } }); // 16
    const b = aProduct({ name: 'b', isFeatured: true, ratings: { average: 5, count: 10 } }); // 18
    const c = aProduct({ name: 'c', ratings: { average: 4, count: 5 }, createdAt: older }); // 11
    const d = aProduct({ name: 'd', ratings: { average: 4, count: 5 }, createdAt: newer }); // 11, newer
    const e = aProduct({
      name: 'e',
      isPopular: true,
      inventory: { stock: 0, lowStockThreshold: 1, isAvailable: true },
    });
    const f = aProduct({
      name: 'f',
      isPopular: true,
      inventory: { stock: 9, lowStockThreshold: 1, isAvailable: false },
    });
    const ranked = rankSuggestions([a, b, c, d, e, f], 8);
    expect(ranked.map((r) => r.product.name)).to.deep.equal(['b', 'a', 'd', 'c']);
    expect(ranked.map((r) => r.score)).to.deep.equal([18, 16, 11, 11]);
    expect(rankSuggestions([a, b, c, d], 2).map((r) => r.product.name)).to.deep.equal(['b', 'a']);
  });

  it('property: scores never increase down the list and every item is in stock', () => {
    const arb = fc.array(
      fc.record({
        isPopular: fc.boolean(),
        isFeatured: fc.boolean(),
        average: fc.integer({ min: 0, max: 50 }).map((n) => n / 10),
        count: fc.integer({ min: 0, max: 20 }),
        stock: fc.integer({ min: 0, max: 3 }),
        isAvailable: fc.boolean(),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 40 }), (rows, limit) => {
        const products = rows.map((r) =>
          aProduct({
            isPopular: r.isPopular,
            isFeatured: r.isFeatured,
            ratings: { average: r.average, count: r.count },
            inventory: { stock: r.stock, lowStockThreshold: 1, isAvailable: r.isAvailable },
          }),
        );
        const ranked = rankSuggestions(products, limit);
        const eligible = products.filter((p) => p.inventory.isAvailable && p.inventory.stock > 0).length;
        expect(ranked.length).to.equal(Math.min(limit, eligible));
        for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).to.be.at.least(ranked[i]!.score);
        for (const r of ranked) expect(r.product.inventory.stock).to.be.greaterThan(0);
      }),
    );
  });
});
