import {
  nextEntry,
  standingAfter,
  type LoyaltyDraft,
  type LoyaltyEntry,
} from '../../domain/loyalty/points.js';
import type { UserRepository } from '../identity/index.js';
import type { LoyaltyLedger } from './ports.js';

/** More writers than this on one user's ledger at the same instant is not a real load. */
const ATTEMPTS = 50;

/**
 * Records a points change once per id (event id): appends the next ledger entry, then mirrors the
 * ledger's head on the user (balance, lifetime points, tier).
 *
 * Idempotent and safe in parallel without transactions: (1) read the head, (2) look the id up
 * (after the head, so an entry with that id stored before the head was read is seen), (3) insert
 * at head + 1, which exactly one writer wins; a loser starts again from (1). A process that dies
 * between the insert and the mirror leaves the user behind the ledger; the redelivered event finds
 * its entry and mirrors the head again (the mirror only moves forward, by seq).
 */
export class LoyaltyAccount {
  constructor(
    private readonly ledger: LoyaltyLedger,
    private readonly users: UserRepository,
  ) {}

  async record(draft: LoyaltyDraft): Promise<{ entry: LoyaltyEntry; appended: boolean } | null> {
    return this.recordComputed(draft.id, draft.userId, async () => draft);
  }

  /**
   * As `record`, with the draft computed after each read of the head (so it sees every entry up
   * to it, e.g. what earlier refunds of an order took back); a null draft records nothing.
   */
  async recordComputed(
    id: string,
    userId: string,
    compute: () => Promise<LoyaltyDraft | null>,
  ): Promise<{ entry: LoyaltyEntry; appended: boolean } | null> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const head = await this.ledger.head(userId);
      const existing = await this.ledger.findById(id);
      if (existing) {
        await this.mirror(existing.userId);
        return { entry: existing, appended: false };
      }
      const draft = await compute();
      if (!draft) return null;
      const entry = nextEntry(standingAfter(head), { ...draft, id, userId });
      if (await this.ledger.insert(entry)) {
        await this.mirror(userId);
        return { entry, appended: true };
      }
    }
    throw new Error(`loyalty ledger of ${userId}: too many concurrent writers`);
  }

  /** Brings the user's mirror up to the ledger's head (a no-op when it is there already). */
  async mirror(userId: string): Promise<void> {
    const head = await this.ledger.head(userId);
    if (head) await this.users.syncLoyalty(userId, standingAfter(head));
  }
}
