import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { changePreferences } from '../../domain/identity/user.js';
import type { UnsubscribeTopic } from '../../domain/notifications/consent.js';
import type { UserRepository } from '../identity/index.js';
import type { Clock } from '../shared/ports.js';
import type { UnsubscribeTokens } from './ports.js';

const SAVE_ATTEMPTS = 5;

export interface UnsubscribeOutcome {
  readonly topic: UnsubscribeTopic;
  /** False when it was already off (or the account is gone): a repeat changes nothing. */
  readonly changed: boolean;
}

function badToken(): DomainError {
  const message = 'This unsubscribe link is not valid';
  return domainError('VALIDATION_FAILED', message, { errors: [{ field: 'token', message }] });
}

/**
 * The one-click unsubscribe behind a marketing mail's link (no login: the signed token is the
 * proof). `check` reads the token only (the confirmation page); `execute` turns the preference the
 * token names off, idempotently (a guarded write, retried on a concurrent profile change). A
 * tampered or malformed token: VALIDATION_FAILED naming `token`.
 */
export class Unsubscribe {
  constructor(
    private readonly tokens: UnsubscribeTokens,
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  check(token: string): Result<UnsubscribeTopic, DomainError> {
    const claim = this.tokens.verify(token);
    return claim ? Ok(claim.topic) : Err(badToken());
  }

  async execute(token: string): Promise<Result<UnsubscribeOutcome, DomainError>> {
    const claim = this.tokens.verify(token);
    if (!claim) return Err(badToken());
    for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt += 1) {
      const user = await this.users.findById(claim.userId);
      if (!user || !user.preferences[claim.topic]) return Ok({ topic: claim.topic, changed: false });
      const next = changePreferences(user, { [claim.topic]: false }, this.clock.now());
      if (next.isErr()) return next;
      const saved = await this.users.update(next.value);
      if (saved.isOk()) return Ok({ topic: claim.topic, changed: true });
      if (saved.error.code !== 'CONFLICT') return saved;
    }
    return Err(domainError('CONFLICT', 'The account is being changed, please retry'));
  }
}
