/**
 * A bulk send's progress, from the counts of its notifications by status (pure). While the
 * audience is still being walked the total is the audience counted when the send was asked for;
 * once walked, it is the number of notifications the send created (one per reachable user).
 */
export const BULK_STATUSES = ['queued', 'running', 'completed'] as const;
export type BulkStatus = (typeof BULK_STATUSES)[number];

export interface BulkProgress {
  readonly status: BulkStatus;
  readonly total: number;
  /** Sent. */
  readonly completed: number;
  /** Failed, including the recipients skipped (opted out, rate limited, unreachable). */
  readonly failed: number;
  readonly pending: number;
  /** (completed + failed) / total, 0..100, rounded down (100 only when every message is settled). */
  readonly percentage: number;
}

export function bulkProgress(input: {
  readonly estimated: number;
  /** Notifications created once the audience is fully walked; undefined while walking. */
  readonly walked: number | undefined;
  readonly pending: number;
  readonly sent: number;
  readonly failed: number;
}): BulkProgress {
  const { pending, sent, failed } = input;
  const created = pending + sent + failed;
  const total = input.walked ?? Math.max(input.estimated, created);
  const status: BulkStatus =
    input.walked === undefined
      ? created === 0
        ? 'queued'
        : 'running'
      : pending > 0
        ? 'running'
        : 'completed';
  const settled = sent + failed;
  const percentage =
    total === 0 ? (status === 'completed' ? 100 : 0) : Math.min(100, Math.floor((settled * 100) / total));
  return {
    status,
    total,
    completed: sent,
    failed,
    pending: Math.max(0, total - settled),
    percentage: status === 'completed' ? 100 : Math.min(percentage, 99),
  };
}
