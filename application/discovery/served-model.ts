import type { RecommendationModel } from '../../domain/discovery/model.js';
import type { Clock } from '../shared/ports.js';
import { token } from '../shared/token.js';
import type { RecommendationModels } from './ports.js';

/** RECOMMENDATIONS_REFRESH_SECONDS: how often an instance asks the store for a newer model. */
export interface ServedModelSettings {
  readonly refreshMs: number;
}
export const DEFAULT_SERVED_MODEL_SETTINGS: ServedModelSettings = { refreshMs: 30_000 };
export const SERVED_MODEL_SETTINGS = token<ServedModelSettings>('ServedModelSettings');

/**
 * The recommendation model this instance serves. The first reader loads `latest()`; afterwards a
 * reader at least `refreshMs` after the last check asks the store for `latestVersion()` (cheap)
 * and loads the model again only when a newer version exists, so every instance serves the newest
 * version within `refreshMs` of its training. One check or load at a time: readers arriving while
 * it runs share its answer instead of loading the model again. A store that fails leaves the
 * model being served as it is (null: the routes fall back to their rules) and is asked again at
 * the next check.
 */
export class ServedModel {
  private model: RecommendationModel | null = null;
  private loaded = false;
  private checkedAt = 0;
  private inFlight: Promise<RecommendationModel | null> | null = null;

  constructor(
    private readonly models: RecommendationModels,
    private readonly clock: Clock,
    private readonly settings: ServedModelSettings = DEFAULT_SERVED_MODEL_SETTINGS,
  ) {}

  /** The model to answer with, or null before the first training. */
  async current(): Promise<RecommendationModel | null> {
    if (this.loaded && this.clock.now().getTime() - this.checkedAt < this.settings.refreshMs) {
      return this.model;
    }
    if (!this.inFlight) {
      this.inFlight = this.refresh().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async refresh(): Promise<RecommendationModel | null> {
    const startedAt = this.clock.now().getTime();
    try {
      const served = this.model?.version ?? 0;
      if (!this.loaded || (await this.models.latestVersion()) > served) {
        const latest = await this.models.latest();
        // Never step back to an older version (a store answering from a lagging replica).
        if (latest && latest.version > served) this.model = latest;
      }
    } catch {
      // Keep serving what we have; the next check, `refreshMs` later, asks again (a failed first
      // load is retried then too: any stored version is newer than none).
    }
    this.loaded = true;
    this.checkedAt = startedAt;
    return this.model;
  }
}
