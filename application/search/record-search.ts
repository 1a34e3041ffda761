import { normaliseTerm, termDay } from '../../domain/search/records.js';
import type { AppLogger, Clock } from '../shared/ports.js';
import type { SearchHistoryStore, SearchRecordSettings, SearchTermCounts } from './records-ports.js';

export interface RecordSearchInput {
  /** The signed-in shopper, when there is one: only then is the search added to a history. */
  readonly userId?: string;
  readonly query: string;
  /** Accepted for the callers' convenience (the advanced search); not stored. */
  readonly filters?: unknown;
}

/**
 * Remembers one search made through the product list or the advanced search: counts its
 * normalised term for today's popular searches (anonymous) and, for a signed-in shopper, puts it
 * on top of their history. Blank and one-character searches are not recorded. Never fails the
 * search it follows: a store failure is logged and swallowed, so callers may simply await it.
 */
export class RecordSearch {
  constructor(
    private readonly counts: SearchTermCounts,
    private readonly history: SearchHistoryStore,
    private readonly settings: SearchRecordSettings,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: RecordSearchInput): Promise<void> {
    const term = normaliseTerm(input.query);
    if (term === null) return;
    const now = this.clock.now();
    const work: Promise<void>[] = [this.counts.increment(term, termDay(now))];
    if (input.userId !== undefined) {
      const query = input.query.trim().replace(/\s+/g, ' ');
      work.push(this.history.append(input.userId, { query, timestamp: now }, this.settings.historyLimit));
    }
    const outcomes = await Promise.allSettled(work);
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        this.logger.warn('search not recorded', {
          error: o.reason instanceof Error ? o.reason.message : String(o.reason),
        });
      }
    }
  }
}
