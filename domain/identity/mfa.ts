import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import type { MfaState, User } from './user.js';

/**
 * Multi-factor sign-in (TOTP) rules, pure: the secret, codes and their time steps come from the
 * application (TotpAuthenticator). A TOTP time step is accepted at most once: every accepted code
 * moves `lastUsedStep` forward, and a code whose step is not after it is refused, so a code
 * cannot be replayed within its window (the versioned save makes two parallel uses race; one wins).
 */

export const RECOVERY_CODE_COUNT = 10;

export const codeInvalid = (): DomainError => domainError('MFA_CODE_INVALID', 'Invalid authentication code');

export function mfaEnabled(user: User): boolean {
  return user.mfa?.enabled === true && user.mfa.secret !== undefined;
}

/** A new pending secret (replacing an earlier pending one); refused when MFA is already on. */
export function beginMfaSetup(user: User, pendingSecret: string, now: Date): Result<User, DomainError> {
  if (mfaEnabled(user)) {
    return Err(domainError('MFA_ALREADY_ENABLED', 'Multi-factor authentication is already enabled'));
  }
  const mfa: MfaState = {
    enabled: false,
    pendingSecret,
    recoveryCodeHashes: [],
    ...(user.mfa?.lastUsedStep !== undefined ? { lastUsedStep: user.mfa.lastUsedStep } : {}),
  };
  return Ok({ ...user, mfa, updatedAt: now });
}

function stepIsFresh(mfa: MfaState | undefined, step: number): boolean {
  return mfa?.lastUsedStep === undefined || step > mfa.lastUsedStep;
}

/** The secret being set up, which a code must match to enable MFA. */
export function pendingSecretOf(user: User): Result<string, DomainError> {
  if (mfaEnabled(user)) {
    return Err(domainError('MFA_ALREADY_ENABLED', 'Multi-factor authentication is already enabled'));
  }
  const pending = user.mfa?.pendingSecret;
  if (pending === undefined) {
    return Err(domainError('MFA_SETUP_NOT_STARTED', 'Start with POST /api/auth/mfa/setup'));
  }
  return Ok(pending);
}

/**
 * Enables MFA with the pending secret, once a code of it (at time step `step`) was checked;
 * the recovery codes' digests replace any earlier ones.
 */
export function enableMfa(
  user: User,
  step: number,
  recoveryCodeHashes: readonly string[],
  now: Date,
): Result<User, DomainError> {
  const pending = pendingSecretOf(user);
  if (pending.isErr()) return pending;
  if (!stepIsFresh(user.mfa, step)) return Err(codeInvalid());
  const mfa: MfaState = {
    enabled: true,
    secret: pending.value,
    recoveryCodeHashes: [...recoveryCodeHashes],
    lastUsedStep: step,
    enabledAt: now,
  };
  return Ok({ ...user, mfa, updatedAt: now });
}

/** What proved the second factor: a TOTP code of time step `step`, or a recovery code's digest. */
export type SecondFactor =
  { readonly kind: 'totp'; readonly step: number } | { readonly kind: 'recovery'; readonly hash: string };

/**
 * Spends a second factor: a TOTP step must be after the last one used (no replay), a recovery
 * code must be one of the remaining ones and is removed (works once).
 */
export function spendSecondFactor(user: User, factor: SecondFactor, now: Date): Result<User, DomainError> {
  const mfa = user.mfa;
  if (!mfa || !mfaEnabled(user)) {
    return Err(domainError('MFA_NOT_ENABLED', 'Multi-factor authentication is not enabled'));
  }
  if (factor.kind === 'totp') {
    if (!stepIsFresh(mfa, factor.step)) return Err(codeInvalid());
    return Ok({ ...user, mfa: { ...mfa, lastUsedStep: factor.step }, updatedAt: now });
  }
  if (!mfa.recoveryCodeHashes.includes(factor.hash)) return Err(codeInvalid());
  const recoveryCodeHashes = mfa.recoveryCodeHashes.filter((h) => h !== factor.hash);
  return Ok({ ...user, mfa: { ...mfa, recoveryCodeHashes }, updatedAt: now });
}

/** Turns MFA off: secret and recovery codes are forgotten; the last used step stays (no replay). */
export function disableMfa(user: User, now: Date): User {
  const mfa: MfaState = {
    enabled: false,
    recoveryCodeHashes: [],
    ...(user.mfa?.lastUsedStep !== undefined ? { lastUsedStep: user.mfa.lastUsedStep } : {}),
  };
  return { ...user, mfa, updatedAt: now };
}

/** Recovery codes are compared without case, spaces or dashes (`ABCD-1234` = `abcd1234`). */
export function normalizeRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}
