/** A store that forgets at most `limit` records older than `before`, oldest first (answers how many). */
export interface Forgetting {
  forget(before: Date, limit: number): Promise<number>;
}

const BATCH = 1_000;

/**
 * Forgets every record of `store` older than `before`, in bounded batches (one delete never holds
 * the store for long): answers how many. The retention use cases (ForgetHandledEvents,
 * ForgetProcessedWebhookEvents) share it.
 */
export async function forgetAllBefore(store: Forgetting, before: Date): Promise<number> {
  let forgotten = 0;
  for (;;) {
    const n = await store.forget(before, BATCH);
    forgotten += n;
    if (n < BATCH) return forgotten;
  }
}
