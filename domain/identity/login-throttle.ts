import { domainError, type DomainError } from '../shared/errors.js';

/**
 * Failed logins allowed per key (email + IP, account, or IP) within a window that starts at the
 * first one; the attempt that reaches the maximum locks the key. Each further lock of the same key
 * lasts twice the one before (`lockMs`, 2x, 4x, ... up to `maxLockMs`): exponential backoff.
 */
export interface ThrottlePolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
  /** The first lock's length; absent: `windowMs`. */
  readonly lockMs?: number;
  /** The longest lock; absent: `lockMs` (no growth). A key quiet for this long after its last lock starts over. */
  readonly maxLockMs?: number;
}

export interface ThrottleWindow {
  /** Epoch milliseconds of the first attempt counted in this window. */
  readonly startedAt: number;
  /** Attempts counted so far (each attempt counts until a success resets the key). */
  readonly failures: number;
  /** Locks this key has had since its last success (or since it was last forgotten). */
  readonly locks?: number;
  /** Epoch milliseconds the current (or last) lock ends. */
  readonly lockedUntil?: number;
}

export type ThrottleDecision =
  | { readonly allowed: true; readonly window: ThrottleWindow }
  | { readonly allowed: false; readonly retryAt: Date };

const baseLock = (policy: ThrottlePolicy): number => policy.lockMs ?? policy.windowMs;
const maxLock = (policy: ThrottlePolicy): number => Math.max(baseLock(policy), policy.maxLockMs ?? 0);

/** The length of a key's lock number `locks + 1`: base x 2^locks, capped. */
export function lockDuration(locks: number, policy: ThrottlePolicy): number {
  return Math.min(maxLock(policy), baseLock(policy) * 2 ** Math.min(locks, 40));
}

/** Epoch ms from which the key may be forgotten (its window over, its lock over plus the cap's quiet time). */
export function forgetAt(window: ThrottleWindow, policy: ThrottlePolicy): number {
  const end = Math.max(window.startedAt + policy.windowMs, window.lockedUntil ?? 0);
  return (window.locks ?? 0) > 0 ? end + maxLock(policy) : end;
}

/**
 * Decides one login attempt BEFORE the password is checked. An allowed attempt is counted at once
 * (so parallel guesses cannot all slip through before their failures are recorded); the one that
 * reaches `maxFailures` sets the lock, and a success then resets the key. Blocked attempts are not
 * counted and do not extend the lock. After a lock a new window starts; its `maxFailures`-th
 * attempt locks for twice as long. (redis-login-throttle.ts runs the same rule in Lua.)
 */
export function decideAttempt(
  stored: ThrottleWindow | undefined,
  now: Date,
  policy: ThrottlePolicy,
): ThrottleDecision {
  const t = now.getTime();
  const current = stored && t < forgetAt(stored, policy) ? stored : undefined;
  const lockedUntil = current?.lockedUntil ?? 0;
  if (t < lockedUntil) return { allowed: false, retryAt: new Date(lockedUntil) };
  const locks = current?.locks ?? 0;
  const fresh = !current || t >= current.startedAt + policy.windowMs || current.startedAt < lockedUntil;
  const startedAt = fresh ? t : current.startedAt;
  const failures = fresh ? 1 : current.failures + 1;
  if (failures < policy.maxFailures) {
    return { allowed: true, window: { startedAt, failures, locks, lockedUntil } };
  }
  const until = t + lockDuration(locks, policy);
  return { allowed: true, window: { startedAt, failures, locks: locks + 1, lockedUntil: until } };
}

/** True when the window no longer matters (may be forgotten). */
export function isWindowOver(window: ThrottleWindow, now: Date, policy: ThrottlePolicy): boolean {
  return now.getTime() >= forgetAt(window, policy);
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
