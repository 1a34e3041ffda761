import { expect } from 'chai';
import {
  contentSimilarity,
  DEFAULT_TRAINING,
  evaluate,
  hitAndNdcg,
  holdOut,
  popularity,
  priceBand,
  train,
  type TrainingData,
  type TrainingOrder,
  type TrainingProduct,
} from '../../../domain/discovery/training.js';

function product(id: string, over: Partial<TrainingProduct> = {}): TrainingProduct {
  return {
    id,
    categoryId: null,
    occasions: [],
    flowerTypes: [],
    colors: [],
    tags: [],
    price: 50_000,
    ...over,
  };
}

let seq = 0;
function order(userId: string, productIds: string[], day = 1, cancelled = false): TrainingOrder {
  seq += 1;
  return {
    id: `o${String(seq).padStart(4, '0')}`,
    userId,
    createdAt: new Date(Date.UTC(2026, 0, day)),
    cancelled,
    productIds,
  };
}

function data(over: Partial<TrainingData>): TrainingData {
  return { products: [], orders: [], wishlists: [], views: [], ...over };
}

const CO_ONLY = { ...DEFAULT_TRAINING, contentWeight: 0 };

describe('domain: recommendation training', () => {
  it('co-purchases: cosine with shrinkage, by hand; cancelled orders do not count', () => {
    const model = train(
      data({
        products: ['A', 'B', 'C'].map((id) => product(id)),
        orders: [
          order('u1', ['A', 'B']),
          order('u2', ['A', 'B']),
          order('u3', ['A', 'C']),
          order('u4', ['B', 'C'], 1, true),
        ],
      }),
      CO_ONLY,
    );
    // mass A=3, B=2, C=1; c(A,B)=2: 2/sqrt(6) * 2/(2+2); c(A,C)=1: 1/sqrt(3) * 1/(1+2)
    expect(model.neighbours.A).to.deep.equal([
      { id: 'B', score: 0.408248 },
      { id: 'C', score: 0.19245 },
    ]);
    expect(model.neighbours.B).to.deep.equal([{ id: 'A', score: 0.408248 }]);
    expect(model.neighbours.C).to.deep.equal([{ id: 'A', score: 0.19245 }]);
  });

  it("the same shopper's different orders and wishlists count half", () => {
    const model = train(
      data({
        products: ['D', 'E', 'F', 'G'].map((id) => product(id)),
        orders: [order('u5', ['D'], 1), order('u5', ['E'], 2)],
        wishlists: [['F', 'G']],
      }),
      CO_ONLY,
    );
    // D, E: mass 1 each, c = 0.5: 0.5/1 * 0.5/2.5 = 0.1; F, G: mass 0.5 each, c = 0.5: 1 * 0.2
    expect(model.neighbours.D).to.deep.equal([{ id: 'E', score: 0.1 }]);
    expect(model.neighbours.F).to.deep.equal([{ id: 'G', score: 0.2 }]);
  });

  it('cold start: a product nobody bought gets neighbours by content (weighted cosine, by hand)', () => {
    const a = product('A', { categoryId: 'cat1', occasions: ['birthday'], flowerTypes: ['rose'] });
    const b = product('B', { categoryId: 'cat2', flowerTypes: ['lily'], price: 600_000 });
    const n = product('N', { categoryId: 'cat1', occasions: ['birthday'] });
    // N: c 2, o 2, p 1 (|N|^2 = 9); A: c 2, o 2, f 2, p 1 (|A|^2 = 13); shared 4 + 4 + 1 = 9
    expect(contentSimilarity(n, a)).to.be.closeTo(9 / Math.sqrt(117), 1e-9);
    expect(contentSimilarity(n, b)).to.equal(0);
    const model = train(data({ products: [a, b, n], orders: [order('u1', ['A', 'B'])] }));
    expect(model.neighbours.N).to.deep.equal([{ id: 'A', score: 0.249615 }]); // 0.3 x 0.83205
    // A's neighbours: B by co-purchase (1/1 x 1/3) first, then N by content
    expect(model.neighbours.A!.map((x) => x.id)).to.deep.equal(['B', 'N']);
    expect(model.neighbours.A![0]!.score).to.equal(0.333333);
  });

  it("content speaks for a product in proportion to how little it sold: a best-seller's neighbours follow its co-purchases", () => {
    // A sold 10 times, twice with B; C looks exactly like A but was never bought with it.
    const look = {
      occasions: ['birthday' as const],
      flowerTypes: ['roses' as const],
      colors: ['red' as const],
    };
    const orders = [
      order('u1', ['A', 'B']),
      order('u2', ['A', 'B']),
      ...Array.from({ length: 8 }, (_, i) => order(`x${i}`, ['A'])),
    ];
    const model = train(
      data({
        products: [
          product('A', look),
          product('B', { price: 900_000 }),
          product('C', look),
          product('N', look),
        ],
        orders,
      }),
    );
    // B: cosine 2/sqrt(10 x 2) x shrink 2/(2+2) = 0.22 from co-purchases; C's full content
    // weight would be 0.3 x 1, but A has a mass of 10: 0.3 x 2/(2+10) = 0.05.
    expect(model.neighbours['A']!.map((n) => n.id)).to.deep.equal(['B', 'C', 'N']);
    // N, never sold, still gets its look-alikes first, at the full content weight (cold start).
    expect(model.neighbours['N']!.map((n) => n.id).slice(0, 2)).to.deep.equal(['A', 'C']);
    expect(model.neighbours['N']![0]!.score).to.be.closeTo(0.3, 0.001);
  });

  it('keeps the top K neighbours', () => {
    const products = ['A', 'B', 'C', 'D', 'E'].map((id) => product(id));
    const model = train(data({ products, orders: [order('u1', ['A', 'B', 'C', 'D', 'E'])] }), {
      ...CO_ONLY,
      neighbours: 2,
    });
    expect(model.neighbours.A!.map((x) => x.id)).to.deep.equal(['B', 'C']);
  });

  it('popularity: orders (1), wishlists (0.5), views (0.05), every product, ties by id', () => {
    const list = popularity(
      data({
        products: ['A', 'B', 'C', 'Z'].map((id) => product(id)),
        orders: [order('u1', ['A', 'A']), order('u2', ['C'], 1, true)],
        wishlists: [['B'], ['B', 'X']],
        views: [{ productId: 'C', count: 10 }],
      }),
    );
    expect(list).to.deep.equal([
      { id: 'A', score: 1 },
      { id: 'B', score: 1 },
      { id: 'C', score: 0.5 },
      { id: 'Z', score: 0 },
    ]);
  });

  it('price bands', () => {
    expect([0, 99_999, 100_000, 349_999, 500_000].map(priceBand)).to.deep.equal([0, 0, 1, 2, 4]);
  });

  it("holds out each 2+-order shopper's last order, by date", () => {
    const first = order('u1', ['A'], 5);
    const last = order('u1', ['A', 'B'], 9);
    const { training, heldOut } = holdOut(
      data({ orders: [last, first, order('u2', ['C'])], products: [product('A')] }),
    );
    expect(training.orders.map((o) => o.id)).to.not.include(last.id);
    expect(training.orders).to.have.length(2);
    expect(heldOut).to.deep.equal([{ history: new Set(['A']), target: ['B'] }]);
  });

  it('hit and NDCG with binary relevance, by hand', () => {
    // B at rank 2: DCG 1/log2(3); ideal (2 relevant) 1 + 1/log2(3)
    const { hit, ndcg } = hitAndNdcg(['X', 'B', 'Y'], ['B', 'Z']);
    expect(hit).to.equal(1);
    expect(ndcg).to.be.closeTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 1e-9);
    expect(hitAndNdcg(['X'], ['B'])).to.deep.equal({ hit: 0, ndcg: 0 });
  });

  describe('evaluation on held-out orders', () => {
    // A and B are bought together; ten fillers are each more popular than B, so "most popular"
    // never reaches B while the co-purchase model ranks it first from A.
    const fillers = Array.from({ length: 10 }, (_, i) => `F${i}`);
    const orders = [
      order('u1', ['A'], 1),
      order('u1', ['B'], 2),
      order('u7', ['A'], 1),
      order('u7', ['B'], 3),
      order('u2', ['A', 'B']),
      order('u3', ['A', 'B']),
      ...fillers.flatMap((f) => [order(`${f}-1`, [f]), order(`${f}-2`, [f]), order(`${f}-3`, [f])]),
    ];
    const catalogue = data({ products: ['A', 'B', ...fillers].map((id) => product(id)), orders });

    it('the model beats the popularity baseline on a clear co-purchase structure (by hand)', () => {
      expect(evaluate(catalogue, CO_ONLY)).to.deep.equal({
        evaluatedOrders: 2,
        hitRateAt10: 1,
        ndcgAt10: 1,
        baseline: { hitRateAt10: 0, ndcgAt10: 0 },
      });
    });

    it('with the default blend (content on) too', () => {
      const m = evaluate(catalogue);
      expect(m.hitRateAt10).to.be.greaterThan(m.baseline.hitRateAt10);
      expect(m.ndcgAt10).to.be.greaterThan(m.baseline.ndcgAt10);
    });
  });
});
