import { domainError, type DomainError } from '../shared/errors.js';

/** Failed logins allowed per key (email + IP) within a fixed window that starts at the first one. */
export interface ThrottlePolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
}

export interface ThrottleWindow {
  /** Epoch milliseconds of the first attempt counted in this window. */
  readonly startedAt: number;
  /** Attempts counted so far (each attempt counts until a success resets the key). */
  readonly failures: number;
}

export type ThrottleDecision =
  | { readonly allowed: true; readonly window: ThrottleWindow }
  | { readonly allowed: false; readonly retryAt: Date };

/**
 * Decides one login attempt BEFORE the password is checked. An allowed attempt is counted at once
 * (so parallel guesses cannot all slip through before their failures are recorded); a success
 * then resets the key. Blocked attempts are not counted: the block ends with the window.
 */
export function decideAttempt(
  current: ThrottleWindow | undefined,
  now: Date,
  policy: ThrottlePolicy,
): ThrottleDecision {
  const t = now.getTime();
  if (!current || t >= current.startedAt + policy.windowMs) {
    return { allowed: true, window: { startedAt: t, failures: 1 } };
  }
  if (current.failures >= policy.maxFailures) {
    return { allowed: false, retryAt: new Date(current.startedAt + policy.windowMs) };
  }
  return { allowed: true, window: { startedAt: current.startedAt, failures: current.failures + 1 } };
}

/** True when the window no longer matters (may be forgotten). */
export function isWindowOver(window: ThrottleWindow, now: Date, policy: ThrottlePolicy): boolean {
  return now.getTime() >= window.startedAt + policy.windowMs;
}

/** TOO_MANY_ATTEMPTS saying when to retry; `error` mirrors the rate-limit body (compat 0.5). */
export function tooManyAttempts(retryAt: Date, now: Date): DomainError {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  const when =
    seconds < 120 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
  const message = `Too many failed login attempts. Please try again in ${when}`;
  return domainError('TOO_MANY_ATTEMPTS', message, {
    error: message,
    retryAfter: seconds,
    retryAt: retryAt.toISOString(),
  });
}
