import type { Container } from 'inversify';
import { LOYALTY_LEDGER } from '../../application/loyalty/ports.js';
import { LoyaltyAccount } from '../../application/loyalty/account.js';
import { ListLoyaltyLedger } from '../../application/loyalty/queries.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { bindUseCase } from './bind.js';

/** Loyalty points: the account (ledger + the user's mirror) and the admin's ledger query. */
export function bindLoyalty(container: Container): void {
  bindUseCase(container, LoyaltyAccount, [LOYALTY_LEDGER, USER_REPOSITORY]);
  bindUseCase(container, ListLoyaltyLedger, [LOYALTY_LEDGER]);
}
