import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { LoyaltyEntry } from '../../domain/loyalty/points.js';
import type { LoyaltyLedger } from './ports.js';

/** A user's points ledger, newest first (admin). */
export class ListLoyaltyLedger {
  constructor(private readonly ledger: LoyaltyLedger) {}

  async execute(input: {
    userId: string;
    page: number;
    limit: number;
  }): Promise<Result<{ items: LoyaltyEntry[]; total: number }, DomainError>> {
    return Ok(await this.ledger.list(input.userId, input.page, input.limit));
  }
}
