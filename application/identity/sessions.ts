import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  createUser,
  normalizeEmail,
  deviceOf,
  recordLogin,
  tokenIssuedAt,
  validateRegistration,
  type RegistrationInput,
  type User,
} from '../../domain/identity/user.js';
import { tooManyAttempts } from '../../domain/identity/login-throttle.js';
import { recordDevice } from '../../domain/identity/session.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { busyError, withHasher } from './hashing.js';
import type {
  IdentitySettings,
  LoginThrottle,
  PasswordHasher,
  SecretDigest,
  Session,
  SessionIssuer,
  SessionStore,
  SignInContext,
  TokenRevocationStore,
  TokenService,
  UserRepository,
} from './ports.js';
import { identityEvent, type UserRegistered } from '../../domain/identity/events.js';
import { writeWithNotices } from '../shared/staged-notices.js';
import { modifyUser } from './save-user.js';
import { mfaEnabled } from '../../domain/identity/mfa.js';
import type { MfaChallengeIssued, SecondFactorGate } from './mfa.js';

export type { Session } from './ports.js';

/** A token for `user` at `now`, dated after the user's last password change (tokenIssuedAt). */
export function issueSession(tokens: TokenService, user: User, now: Date): Session {
  return { user, token: tokens.sign(user.id, tokenIssuedAt(user, now)).token };
}

/** Sessions that are only their token: nothing is stored, nothing lists or revokes them. */
export class TokenOnlySessions implements SessionIssuer {
  constructor(private readonly tokens: TokenService) {}

  start(user: User, now: Date): Promise<Session> {
    return Promise.resolve(issueSession(this.tokens, user, now));
  }
}

/**
 * Creates an account and signs it in. The welcome message answers `identity.user-registered`,
 * staged before the account's write (its id is made up front) and published after it, or
 * discarded when the write is refused (email taken).
 */
export class RegisterUser {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async execute(
    input: RegistrationInput,
    context: SignInContext = {},
  ): Promise<Result<Session, DomainError>> {
    const valid = validateRegistration(input);
    if (valid.isErr()) return valid;
    // Cheap early answer; the repository's create re-checks atomically.
    if (await this.users.findByEmail(valid.value.email)) return Err(emailTaken());
    const hashed = await withHasher(() => this.hasher.hash(input.password));
    if (hashed.isErr()) return hashed;
    const passwordHash = hashed.value;
    const now = this.clock.now();
    const id = this.ids.next();
    const registered = identityEvent<UserRegistered>('identity.user-registered', id, now, this.ids.next());
    const created = await writeWithNotices(
      this.events,
      [registered],
      () =>
        this.users.create(withDevice(createUser({ ...valid.value, id, passwordHash, now }), now, context)),
      (outcome) => outcome.isOk(),
    );
    if (created.isErr()) return created;
    return Ok(await this.sessions.start(created.value, now, context));
  }
}

/** The new account's first device is its registration's (so the session's start writes nothing more). */
function withDevice(user: User, now: Date, context: SignInContext): User {
  const userAgent = context.userAgent?.trim();
  return userAgent ? recordDevice(user, now, deviceOf(userAgent)) : user;
}

export function emailTaken(): DomainError {
  return domainError('EMAIL_TAKEN', 'User already exists with this email');
}

export interface LoginInput {
  readonly email?: string;
  readonly password?: string;
  /** The caller's address: failures are counted per email + IP, and logins in progress per IP. */
  readonly ip: string;
  /** The caller's User-Agent: the device recorded on the user (deviceInfo). */
  readonly userAgent?: string;
  /** A non-browser client asked for a refresh token too. */
  readonly withRefreshToken?: boolean;
}

const DUMMY_PASSWORD = 'not-a-real-password-only-for-timing';

/**
 * Every check that can refuse a login runs BEFORE the password is hashed, cheapest first: logins
 * of this IP already in progress (in this process), failures of this email from this IP, failures
 * of this account from all IPs. So a flood from one address costs at most a few hashes at a time
 * and never queues other shoppers' logins behind it; the hashing queue itself is bounded too.
 */
export class LoginUser {
  private dummyHash: Promise<string> | undefined;
  /** Logins being checked right now, per IP. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    /** Failures per account across IPs; absent: only per email + IP. */
    private readonly accountThrottle?: LoginThrottle,
    private readonly settings?: Pick<IdentitySettings, 'maxConcurrentLoginsPerIp'>,
    /** Failures per IP for every email together (`*|ip`); absent: not counted per IP. */
    private readonly ipThrottle?: LoginThrottle,
    /** Accounts with MFA get a challenge instead of a session; absent: their login is refused. */
    private readonly secondFactor?: SecondFactorGate,
  ) {}

  /** A session, or MFA_REQUIRED for an account with MFA (the HTTP login uses `signIn`). */
  async execute(input: LoginInput): Promise<Result<Session, DomainError>> {
    const outcome = await this.signIn(input);
    if (outcome.isOk() && 'mfaRequired' in outcome.value) {
      return Err(domainError('MFA_REQUIRED', 'This account signs in with a second factor'));
    }
    return outcome as Result<Session, DomainError>;
  }

  /** A session, or for an account with MFA enabled the challenge its second factor completes. */
  async signIn(input: LoginInput): Promise<Result<Session | MfaChallengeIssued, DomainError>> {
    if (!input.email || !input.password) {
      return Err(domainError('VALIDATION_FAILED', 'Please provide email and password'));
    }
    const max = this.settings?.maxConcurrentLoginsPerIp;
    const running = this.inFlight.get(input.ip) ?? 0;
    if (max !== undefined && running >= max) return Err(busyError(1));
    this.inFlight.set(input.ip, running + 1);
    try {
      return await this.check(normalizeEmail(input.email), input.password, input);
    } finally {
      const left = (this.inFlight.get(input.ip) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(input.ip);
      else this.inFlight.set(input.ip, left);
    }
  }

  private async check(
    email: string,
    password: string,
    { ip, userAgent, withRefreshToken }: LoginInput,
  ): Promise<Result<Session | MfaChallengeIssued, DomainError>> {
    const key = `${email}|${ip}`;
    // `*` is never an IP: the account's key cannot meet an email + IP key.
    const accountKey = `${email}|*`;
    // Ends in `|ip`, which no real address is: it cannot meet an email + IP key either.
    const ipKey = `*|${ip}|ip`;
    // Each is counted only once the ones before allowed the attempt; a lock doubles the last one.
    for (const [throttle, k] of [
      [this.throttle, key],
      [this.accountThrottle, accountKey],
      [this.ipThrottle, ipKey],
    ] as const) {
      const decision = throttle ? await throttle.attempt(k, this.clock.now()) : ({ allowed: true } as const);
      if (!decision.allowed) return Err(tooManyAttempts(decision.retryAt, this.clock.now()));
    }

    const user = await this.users.findByEmail(email);
    // Unknown emails cost one bcrypt comparison too, so timing does not reveal which exist.
    const compared = await withHasher(async () =>
      this.hasher.compare(password, user?.passwordHash ?? (await this.dummy())),
    );
    if (compared.isErr()) return compared;
    if (!user || !compared.value) return Err(domainError('INVALID_CREDENTIALS', 'Invalid credentials'));
    if (!user.isActive) return Err(domainError('USER_DEACTIVATED', 'User account is deactivated'));

    await this.throttle.reset(key);
    await this.accountThrottle?.reset(accountKey);
    await this.ipThrottle?.reset(ipKey);
    const now = this.clock.now();
    // The password was right; the second factor decides (lastLogin is recorded when it passes).
    if (mfaEnabled(user)) {
      if (!this.secondFactor)
        return Err(domainError('MFA_REQUIRED', 'This account signs in with a second factor'));
      return Ok(await this.secondFactor.challenge(user, now));
    }
    const device = userAgent?.trim() ? deviceOf(userAgent) : undefined;
    const saved = await modifyUser(this.users, user.id, (u) => Ok(recordLogin(u, now, device)));
    const signedIn = saved.isOk() ? saved.value : recordLogin(user, now, device);
    return Ok(
      await this.sessions.start(signedIn, now, {
        ip,
        ...(userAgent ? { userAgent } : {}),
        ...(withRefreshToken ? { withRefreshToken } : {}),
      }),
    );
  }

  private dummy(): Promise<string> {
    // A refused first attempt must not leave a rejected promise behind for every later one.
    this.dummyHash ??= this.hasher.hash(DUMMY_PASSWORD).catch((error: unknown) => {
      this.dummyHash = undefined;
      throw error;
    });
    return this.dummyHash;
  }
}

/**
 * Revokes the presented token (if it is a valid one) until it would have expired. Never fails.
 * Safe reads with it still pass for `logoutGraceMs` (requests in flight at logout, see
 * TokenRevocationStore); logging out again never extends that.
 */
export class Logout {
  constructor(
    private readonly tokens: TokenService,
    private readonly revocations: TokenRevocationStore,
    private readonly digest: SecretDigest,
    private readonly clock: Clock,
    private readonly settings: Pick<IdentitySettings, 'logoutGraceMs'>,
    /** The token's session ends too (with the same grace for safe reads). */
    private readonly sessions?: SessionStore,
  ) {}

  async execute(input: { token?: string }): Promise<Result<{ revoked: boolean }, DomainError>> {
    if (!input.token) return Ok({ revoked: false });
    const now = this.clock.now();
    const claims = this.tokens.verify(input.token, Math.floor(now.getTime() / 1000));
    if (!claims) return Ok({ revoked: false });
    const grace = this.settings.logoutGraceMs;
    const readsUntil = grace > 0 ? new Date(now.getTime() + grace) : undefined;
    await this.revocations.revoke(
      this.digest.digest(input.token),
      new Date(claims.expiresAt * 1000),
      readsUntil,
    );
    if (claims.sessionId !== undefined) {
      await this.sessions?.revoke(claims.userId, claims.sessionId, now, readsUntil);
    }
    return Ok({ revoked: true });
  }
}
