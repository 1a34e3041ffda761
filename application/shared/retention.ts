import type { AppLogger, Clock } from './ports.js';

/** A store that forgets at most `limit` records older than `before`, oldest first (answers how many). */
export interface Forgetting {
  forget(before: Date, limit: number): Promise<number>;
}

const BATCH = 1_000;

/**
 * A retention use case: forgets every record of its store older than `retentionMs`, in bounded
 * batches (one delete never holds the store for long), and logs how many when there were some.
 * Subclasses name what they forget (ForgetHandledEvents, ForgetProcessedWebhookEvents).
 */
export abstract class ForgetOlderRecords {
  /** The log line written when records were forgotten. */
  protected abstract readonly forgottenMessage: string;

  constructor(
    private readonly store: Forgetting,
    private readonly clock: Clock,
    private readonly retentionMs: number,
    private readonly logger: AppLogger,
  ) {}

  /** Answers how many records were forgotten. */
  async execute(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionMs);
    let forgotten = 0;
    for (;;) {
      const n = await this.store.forget(before, BATCH);
      forgotten += n;
      if (n < BATCH) break;
    }
    if (forgotten > 0) this.logger.info(this.forgottenMessage, { forgotten });
    return forgotten;
  }
}
