import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { PasswordHasherBusy } from './ports.js';

/**
 * SERVER_BUSY for work refused before any hashing (the hashing queue is full, or this address
 * already has its share of logins being checked). The HTTP edge answers it as its 429
 * RATE_LIMITED; `error` mirrors the rate-limit body (compat 0.5) and `retryAfter` becomes the
 * Retry-After header.
 */
export function busyError(retryAfterSeconds: number): DomainError {
  const message = 'Too many sign-in attempts at the moment. Please try again in a few seconds';
  return domainError('SERVER_BUSY', message, { error: message, retryAfter: retryAfterSeconds });
}

/** Runs password-hashing work; a full hashing queue is an expected failure, not an exception. */
export async function withHasher<T>(work: () => Promise<T>): Promise<Result<T, DomainError>> {
  try {
    return Ok(await work());
  } catch (error) {
    if (error instanceof PasswordHasherBusy) return Err(busyError(error.retryAfterSeconds));
    throw error;
  }
}
