import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { recordLogin, deviceOf, type User } from '../../domain/identity/user.js';
import {
  beginMfaSetup,
  codeInvalid,
  disableMfa,
  enableMfa,
  mfaEnabled,
  normalizeRecoveryCode,
  pendingSecretOf,
  RECOVERY_CODE_COUNT,
  spendSecondFactor,
  type SecondFactor,
} from '../../domain/identity/mfa.js';
import { tooManyAttempts } from '../../domain/identity/login-throttle.js';
import type { Clock, RandomSource } from '../shared/ports.js';
import type {
  LoginThrottle,
  MfaChallengeStore,
  MfaSettings,
  PasswordHasher,
  SecretDigest,
  Session,
  SessionIssuer,
  SignInContext,
  TotpAuthenticator,
  UserRepository,
} from './ports.js';
import { withHasher } from './hashing.js';
import { modifyUser, userNotFound } from './save-user.js';

/** What a password login of an account with MFA answers instead of a session. */
export interface MfaChallengeIssued {
  readonly mfaRequired: true;
  readonly user: User;
  readonly challengeToken: string;
  readonly expiresAt: Date;
}

/** The second step LoginUser hands an account with MFA to (absent: such a login is refused). */
export interface SecondFactorGate {
  challenge(user: User, now: Date): Promise<MfaChallengeIssued>;
}

/** A code as typed: six digits are a TOTP code, anything else a recovery code. */
export type CodeInput = { readonly code: string } | { readonly recoveryCode: string };

const TOTP_CODE = /^\d{6}$/;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten readable one-time codes (`xxxx-xxxx`, no 0/o/1/l/i), about 39 bits each. */
export function newRecoveryCodes(random: RandomSource): string[] {
  const char = () => RECOVERY_ALPHABET[random.int(RECOVERY_ALPHABET.length)]!;
  const part = () => Array.from({ length: 4 }, char).join('');
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => `${part()}-${part()}`);
}

/**
 * Failed second factors are throttled like passwords: the LoginThrottle ports, keyed per user
 * and IP and per user from every IP (`mfa:` keys never meet a login's `email|ip` ones: an id
 * has no `@`). Every attempt is counted before the code is checked; a success forgets them.
 */
export class SecondFactorCheck {
  constructor(
    private readonly totp: TotpAuthenticator,
    private readonly digest: SecretDigest,
    private readonly throttle: LoginThrottle,
    private readonly accountThrottle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  async admit(userId: string, ip: string): Promise<Result<void, DomainError>> {
    const now = this.clock.now();
    for (const [throttle, key] of this.keys(userId, ip)) {
      const decision = await throttle.attempt(key, now);
      if (!decision.allowed) return Err(tooManyAttempts(decision.retryAt, now));
    }
    return Ok(undefined);
  }

  async succeeded(userId: string, ip: string): Promise<void> {
    for (const [throttle, key] of this.keys(userId, ip)) await throttle.reset(key);
  }

  /** The factor a code proves for `secret` at `now`, or MFA_CODE_INVALID. */
  factorOf(secret: string | undefined, input: CodeInput, now: Date): Result<SecondFactor, DomainError> {
    const typed = 'code' in input ? input.code.trim() : undefined;
    if (typed !== undefined && TOTP_CODE.test(typed)) {
      const step = secret === undefined ? null : this.totp.stepOf(secret, typed, now);
      return step === null ? Err(codeInvalid()) : Ok({ kind: 'totp', step });
    }
    const recovery = normalizeRecoveryCode(typed ?? ('recoveryCode' in input ? input.recoveryCode : ''));
    if (!recovery) return Err(codeInvalid());
    return Ok({ kind: 'recovery', hash: this.digest.digest(recovery) });
  }

  private keys(userId: string, ip: string): [LoginThrottle, string][] {
    return [
      [this.throttle, `mfa:${userId}|${ip}`],
      [this.accountThrottle, `mfa:${userId}|*`],
    ];
  }
}

/** POST /api/auth/mfa/setup: a new pending secret, its otpauth URI and QR code. */
export class SetupMfa {
  constructor(
    private readonly users: UserRepository,
    private readonly totp: TotpAuthenticator,
    private readonly clock: Clock,
    private readonly settings: Pick<MfaSettings, 'issuer'>,
  ) {}

  async execute(input: {
    userId: string;
  }): Promise<Result<{ secret: string; uri: string; qrCode: string }, DomainError>> {
    const secret = this.totp.generateSecret();
    const saved = await modifyUser(this.users, input.userId, (u) =>
      beginMfaSetup(u, secret, this.clock.now()),
    );
    if (saved.isErr()) return saved;
    const uri = this.totp.uri(secret, saved.value.email);
    return Ok({ secret, uri, qrCode: await this.totp.qrCode(uri) });
  }
}

/** POST /api/auth/mfa/verify: a code of the pending secret turns MFA on; answers the recovery codes. */
export class VerifyMfa {
  constructor(
    private readonly users: UserRepository,
    private readonly check: SecondFactorCheck,
    private readonly digest: SecretDigest,
    private readonly random: RandomSource,
    private readonly clock: Clock,
  ) {}

  async execute(input: {
    userId: string;
    code: string;
    ip: string;
  }): Promise<Result<{ recoveryCodes: string[] }, DomainError>> {
    const admitted = await this.check.admit(input.userId, input.ip);
    if (admitted.isErr()) return admitted;
    const codes = newRecoveryCodes(this.random);
    const hashes = codes.map((c) => this.digest.digest(normalizeRecoveryCode(c)));
    const saved = await modifyUser(this.users, input.userId, (u) => {
      const now = this.clock.now();
      return pendingSecretOf(u)
        .andThen((secret) => this.check.factorOf(secret, { code: input.code }, now))
        .andThen((factor) =>
          factor.kind === 'totp' ? enableMfa(u, factor.step, hashes, now) : Err(codeInvalid()),
        );
    });
    if (saved.isErr()) return saved;
    await this.check.succeeded(input.userId, input.ip);
    return Ok({ recoveryCodes: codes });
  }
}

/** POST /api/auth/mfa/disable: the password and a code (TOTP or recovery) turn MFA off. */
export class DisableMfa {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly check: SecondFactorCheck,
    private readonly clock: Clock,
  ) {}

  async execute(input: {
    userId: string;
    password: string;
    code: string;
    ip: string;
  }): Promise<Result<User, DomainError>> {
    const user = await this.users.findById(input.userId);
    if (!user) return Err(userNotFound());
    if (!mfaEnabled(user)) {
      return Err(domainError('MFA_NOT_ENABLED', 'Multi-factor authentication is not enabled'));
    }
    const admitted = await this.check.admit(user.id, input.ip);
    if (admitted.isErr()) return admitted;
    const compared = await withHasher(() => this.hasher.compare(input.password, user.passwordHash));
    if (compared.isErr()) return compared;
    if (!compared.value) {
      return Err(domainError('INVALID_CURRENT_PASSWORD', 'Current password is incorrect'));
    }
    const saved = await modifyUser(this.users, user.id, (u) => {
      const now = this.clock.now();
      return this.check
        .factorOf(u.mfa?.secret, { code: input.code }, now)
        .andThen((factor) => spendSecondFactor(u, factor, now))
        .map((spent) => disableMfa(spent, now));
    });
    if (saved.isErr()) return saved;
    await this.check.succeeded(user.id, input.ip);
    return saved;
  }
}

/**
 * The login challenge of an account with MFA: a random token, stored only as its digest, for
 * `challengeTtlMs` (5 minutes); completing it is the only way from it to a session.
 */
export class MfaChallenges implements SecondFactorGate {
  constructor(
    private readonly store: MfaChallengeStore,
    private readonly digest: SecretDigest,
    private readonly random: RandomSource,
    private readonly settings: Pick<MfaSettings, 'challengeTtlMs'>,
  ) {}

  async challenge(user: User, now: Date): Promise<MfaChallengeIssued> {
    const challengeToken = this.random.hex(32);
    const expiresAt = new Date(now.getTime() + this.settings.challengeTtlMs);
    await this.store.save(this.digest.digest(challengeToken), user.id, expiresAt);
    return { mfaRequired: true, user, challengeToken, expiresAt };
  }
}

const challengeInvalid = (): DomainError =>
  domainError('MFA_CHALLENGE_INVALID', 'The sign-in challenge is invalid or has expired; sign in again');

/**
 * POST /api/auth/mfa/challenge: a live challenge and a valid code (or recovery code) give the
 * session, through the SessionIssuer like every sign-in. A wrong code leaves the challenge live
 * (and counts against the throttle); a right one spends the challenge first (single use), then
 * the code (a TOTP step once, a recovery code once) with the versioned save.
 */
export class CompleteMfaChallenge {
  constructor(
    private readonly users: UserRepository,
    private readonly store: MfaChallengeStore,
    private readonly check: SecondFactorCheck,
    private readonly digest: SecretDigest,
    private readonly sessions: SessionIssuer,
    private readonly clock: Clock,
  ) {}

  async execute(
    input: { challengeToken: string } & CodeInput,
    context: SignInContext & { readonly ip: string },
  ): Promise<Result<Session, DomainError>> {
    const tokenHash = this.digest.digest(input.challengeToken);
    const userId = await this.store.find(tokenHash, this.clock.now());
    if (userId === null) return Err(challengeInvalid());
    const admitted = await this.check.admit(userId, context.ip);
    if (admitted.isErr()) return admitted;
    const user = await this.users.findById(userId);
    if (!user) return Err(challengeInvalid());
    if (!user.isActive) return Err(domainError('USER_DEACTIVATED', 'User account is deactivated'));
    const spend = (u: User, now: Date) =>
      this.check.factorOf(u.mfa?.secret, input, now).andThen((f) => spendSecondFactor(u, f, now));
    // Checked before the challenge is spent, so a mistyped code can be typed again.
    const precheck = spend(user, this.clock.now());
    if (precheck.isErr()) return precheck;
    if (!(await this.store.consume(tokenHash))) return Err(challengeInvalid());
    const device = context.userAgent?.trim() ? deviceOf(context.userAgent) : undefined;
    const saved = await modifyUser(this.users, userId, (u) => {
      const now = this.clock.now();
      return spend(u, now).map((spent) => recordLogin(spent, now, device));
    });
    if (saved.isErr()) return saved;
    await this.check.succeeded(userId, context.ip);
    return Ok(await this.sessions.start(saved.value, this.clock.now(), context));
  }
}
