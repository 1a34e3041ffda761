import { expect } from 'chai';
import { rankPersonal, rankTrending, topUp, listedProducts } from '../../../domain/discovery/serving.js';
import { aProduct } from '../../support/kit.js';
import type { Product } from '../../../domain/catalog/product.js';

const plain = (o: Partial<Product> = {}) =>
  aProduct({
    occasions: [],
    flowerTypes: [],
    colors: [],
    categoryId: null,
    ratings: { average: 0, count: 0 },
    ...o,
  });

describe('domain: serving the recommendation model', () => {
  it("trending: equal trending scores are ordered by the model's popularity, not by rating", () => {
    const a = plain({ ratings: { average: 5, count: 1 } });
    const b = plain();
    const c = plain();
    const scores = new Map([
      [a.id, 2],
      [b.id, 2],
    ]);
    // without popularity a (rating 5) leads; the model says b is more popular
    expect(rankTrending([a, b, c], scores, [], 3).map((s) => s.product.id)).to.deep.equal([a.id, b.id]);
    const popular = [
      { id: c.id, score: 3 },
      { id: b.id, score: 2 },
      { id: a.id, score: 1 },
    ];
    // ties broken by popularity; c (no trending signal) only fills, after them
    expect(rankTrending([a, b, c], scores, popular, 3).map((s) => s.product.id)).to.deep.equal([
      b.id,
      a.id,
      c.id,
    ]);
    // a higher trending score still wins over popularity
    scores.set(a.id, 2.5);
    expect(rankTrending([a, b, c], scores, popular, 2).map((s) => s.product.id)).to.deep.equal([a.id, b.id]);
  });

  it('personal: within the price range weighs in when the neighbour and occasion signals tie', () => {
    const seed = plain();
    const cheap = plain({ price: 50_000 });
    const dear = plain({ price: 900_000, ratings: { average: 5, count: 1 } });
    const model = {
      neighbours: {
        [seed.id]: [
          { id: cheap.id, score: 1 },
          { id: dear.id, score: 1 },
        ],
      },
    };
    const taste = (priceRange: { min: number; max: number } | null) => ({
      seeds: [{ id: seed.id, weight: 3 }],
      occasions: new Map<string, number>(),
      priceRange,
    });
    const ids = (r: { product: Product }[]) => r.map((s) => s.product.id);
    expect(ids(rankPersonal([seed, cheap, dear], model, taste(null), new Set([seed.id]), 5))).to.deep.equal([
      dear.id,
      cheap.id,
    ]);
    expect(
      ids(
        rankPersonal([seed, cheap, dear], model, taste({ min: 10_000, max: 100_000 }), new Set([seed.id]), 5),
      ),
    ).to.deep.equal([cheap.id, dear.id]);
  });

  it('listed products skip unknown, out-of-stock, excluded and repeated ids; topUp never repeats', () => {
    const a = plain();
    const out = plain({ inventory: { stock: 0, lowStockThreshold: 5, isAvailable: true } });
    const b = plain();
    const byId = new Map([a, out, b].map((p) => [p.id, p]));
    const list = [
      { id: 'gone', score: 9 },
      { id: out.id, score: 8 },
      { id: a.id, score: 7 },
      { id: a.id, score: 6 },
      { id: b.id, score: 5 },
    ];
    expect(listedProducts(list, byId, new Set(), 5).map((s) => s.product.id)).to.deep.equal([a.id, b.id]);
    expect(listedProducts(list, byId, new Set([a.id]), 5).map((s) => s.product.id)).to.deep.equal([b.id]);
    const ranked = listedProducts(list, byId, new Set(), 1);
    expect(
      topUp(
        ranked,
        [
          { product: a, score: 1 },
          { product: b, score: 1 },
        ],
        5,
      ).map((s) => s.product.id),
    ).to.deep.equal([a.id, b.id]);
  });
});
