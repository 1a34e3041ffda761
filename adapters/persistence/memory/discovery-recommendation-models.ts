import type { RecommendationModels } from '../../../application/discovery/ports.js';
import type { RecommendationSettings } from '../../../application/discovery/settings.js';
import type { RecommendationModel } from '../../../domain/discovery/model.js';
import type { MemoryDatabase } from './memory-database.js';

/** Models by version in `recommendation_models`; the newest `keepVersions` are kept. */
export class MemoryRecommendationModels implements RecommendationModels {
  private readonly models: Map<string, RecommendationModel>;

  constructor(
    db: MemoryDatabase,
    private readonly settings: Pick<RecommendationSettings, 'keepVersions'>,
  ) {
    this.models = db.collection<RecommendationModel>('recommendation_models');
  }

  async save(model: RecommendationModel): Promise<void> {
    const key = String(model.version);
    if (this.models.has(key)) return;
    this.models.set(key, structuredClone(model));
    const stale = this.versions().slice(this.settings.keepVersions);
    for (const version of stale) this.models.delete(String(version));
  }

  async latest(): Promise<RecommendationModel | null> {
    const [newest] = this.versions();
    return newest === undefined ? null : structuredClone(this.models.get(String(newest))!);
  }

  async latestVersion(): Promise<number> {
    return this.versions()[0] ?? 0;
  }

  async list(limit: number): Promise<Omit<RecommendationModel, 'neighbours' | 'popular'>[]> {
    return this.versions()
      .slice(0, limit)
      .map((v) => {
        const { neighbours: _n, popular: _p, ...header } = structuredClone(this.models.get(String(v))!);
        return header;
      });
  }

  /** Newest first. */
  private versions(): number[] {
    return [...this.models.values()].map((m) => m.version).sort((a, b) => b - a);
  }
}
