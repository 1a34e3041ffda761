import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';

/** What `change` answers to say "the loaded value already is what we want: write nothing". */
export const UNCHANGED: unique symbol = Symbol('unchanged');
export type Unchanged = typeof UNCHANGED;

/**
 * How a `retryOnConflict` run ended well: the write that won, or (only when `change` can answer
 * `UNCHANGED`) nothing to write. A change that always writes gets an outcome that is always `changed`.
 */
export type RetryOutcome<Current, Next, Saved> =
  | (typeof UNCHANGED extends Next ? { readonly changed: false; readonly current: Current } : never)
  | {
      readonly changed: true;
      readonly current: Current;
      readonly next: Exclude<Next, Unchanged>;
      readonly saved: Saved;
    };

export interface RetryOnConflictSteps<Current, Next, Saved> {
  /**
   * Reads the freshest value; called again before every attempt (`attempt` counts from 1, so a
   * caller holding a value it just wrote may answer that one first). Null: it does not exist.
   */
  readonly load: (attempt: number) => Promise<Current | null>;
  /** The error answered when `load` finds nothing. */
  readonly notFound: () => DomainError;
  /**
   * Pure (or read-only) decision on the loaded value: the value to save, `UNCHANGED` when there
   * is nothing to write, or an error that ends the run as it is.
   */
  readonly change: (current: Current) => Result<Next, DomainError> | Promise<Result<Next, DomainError>>;
  /** The optimistic write: a CONFLICT error means someone saved in between, so load and change again. */
  readonly save: (next: Exclude<Next, Unchanged>, current: Current) => Promise<Result<Saved, DomainError>>;
  /** How many saves at most (at least 1). */
  readonly attempts: number;
  /** The error when every save met a CONFLICT; by default that last CONFLICT itself. */
  readonly exhausted?: (lastConflict: DomainError) => DomainError;
}

/**
 * The one load / change / save loop for aggregates saved with optimistic versions (no
 * multi-document transactions, see the architecture guide): load the freshest value, let
 * `change` decide, save; when the save answers CONFLICT, start again from a fresh load, at most
 * `attempts` saves. Any other error (from load's absence, change or save) is answered at once.
 * Side effects that must happen once (events, stock release) belong after the helper returns,
 * with the outcome's `saved` value.
 */
export async function retryOnConflict<Current, Next, Saved>(
  steps: RetryOnConflictSteps<Current, Next, Saved>,
): Promise<Result<RetryOutcome<Current, Next, Saved>, DomainError>> {
  let lastConflict: DomainError | undefined;
  for (let attempt = 1; attempt <= Math.max(1, steps.attempts); attempt++) {
    const current = await steps.load(attempt);
    if (current === null) return Err(steps.notFound());
    const decided = await steps.change(current);
    if (decided.isErr()) return decided;
    const next = decided.value;
    if (next === UNCHANGED) {
      // Only reachable when Next includes Unchanged, where the outcome type has this branch.
      return Ok({ changed: false, current } as RetryOutcome<Current, Next, Saved>);
    }
    const saved = await steps.save(next as Exclude<Next, Unchanged>, current);
    if (saved.isOk()) {
      return Ok({ changed: true, current, next: next as Exclude<Next, Unchanged>, saved: saved.value });
    }
    if (saved.error.code !== 'CONFLICT') return saved;
    lastConflict = saved.error;
  }
  // The loop ran at least once and only a CONFLICT keeps it going.
  const conflict = lastConflict as DomainError;
  return Err(steps.exhausted ? steps.exhausted(conflict) : conflict);
}
