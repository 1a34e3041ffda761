import type { RecommendationModels } from '../../../application/discovery/ports.js';
import type { Neighbour, RecommendationModel } from '../../../domain/discovery/model.js';
import { FIXED_NOW } from '../../support/kit.js';

/** A hand-built model: neighbours per product and a popularity list (scores descending by position). */
export function aModel(
  version: number,
  neighbours: Record<string, readonly string[]>,
  popular: readonly string[] = [],
): RecommendationModel {
  const scored = (ids: readonly string[]): Neighbour[] => ids.map((id, i) => ({ id, score: ids.length - i }));
  return {
    version,
    trainedAt: FIXED_NOW,
    trainingData: { orders: 0, wishlists: 0, views: 0, products: 0 },
    metrics: { evaluatedOrders: 0, hitRateAt10: 0, ndcgAt10: 0, baseline: { hitRateAt10: 0, ndcgAt10: 0 } },
    neighbours: Object.fromEntries(Object.entries(neighbours).map(([k, v]) => [k, scored(v)])),
    popular: scored(popular),
  };
}

/** An in-test RecommendationModels holding models in memory, counting the calls instances make. */
export class FakeModels implements RecommendationModels {
  readonly models: RecommendationModel[] = [];
  calls = { latest: 0, latestVersion: 0 };
  failing = false;
  /** When set, `latest()` waits for it (to hold a load in flight). */
  gate: Promise<void> | null = null;

  constructor(...models: RecommendationModel[]) {
    this.models.push(...models);
  }
  async save(model: RecommendationModel): Promise<void> {
    if (!this.models.some((m) => m.version === model.version)) this.models.push(model);
  }
  async latest(): Promise<RecommendationModel | null> {
    this.calls.latest += 1;
    if (this.gate) await this.gate;
    if (this.failing) throw new Error('store down');
    return [...this.models].sort((a, b) => b.version - a.version)[0] ?? null;
  }
  async latestVersion(): Promise<number> {
    this.calls.latestVersion += 1;
    if (this.failing) throw new Error('store down');
    return Math.max(0, ...this.models.map((m) => m.version));
  }
  async list(limit: number) {
    return [...this.models]
      .sort((a, b) => b.version - a.version)
      .slice(0, limit)
      .map(({ neighbours: _n, popular: _p, ...rest }) => rest);
  }
}
