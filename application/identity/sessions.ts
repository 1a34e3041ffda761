import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  createUser,
  normalizeEmail,
  recordLogin,
  tokenIssuedAt,
  validateRegistration,
  type RegistrationInput,
  type User,
} from '../../domain/identity/user.js';
import { tooManyAttempts } from '../../domain/identity/login-throttle.js';
import type { AppLogger, Clock, IdGenerator } from '../shared/ports.js';
import type { Mailer } from '../notifications/ports.js';
import type {
  IdentitySettings,
  LoginThrottle,
  PasswordHasher,
  SecretDigest,
  TokenRevocationStore,
  TokenService,
  UserRepository,
} from './ports.js';
import { welcomeMail } from './mails.js';
import { modifyUser } from './save-user.js';

/** What register, login, update-password and reset-password answer. */
export interface Session {
  readonly user: User;
  readonly token: string;
}

/** A token for `user` at `now`, dated after the user's last password change (tokenIssuedAt). */
export function issueSession(tokens: TokenService, user: User, now: Date): Session {
  return { user, token: tokens.sign(user.id, tokenIssuedAt(user, now)).token };
}

export class RegisterUser {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly logger: AppLogger,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(input: RegistrationInput): Promise<Result<Session, DomainError>> {
    const valid = validateRegistration(input);
    if (valid.isErr()) return valid;
    // Cheap early answer; the repository's create re-checks atomically.
    if (await this.users.findByEmail(valid.value.email)) return Err(emailTaken());
    const passwordHash = await this.hasher.hash(input.password);
    const now = this.clock.now();
    const created = await this.users.create(
      createUser({ ...valid.value, id: this.ids.next(), passwordHash, now }),
    );
    if (created.isErr()) return created;
    const user = created.value;
    try {
      await this.mailer.send(welcomeMail(user.email, user.fullName, this.settings.frontendUrl));
    } catch (error) {
      this.logger.error('welcome mail failed', { userId: user.id, error: String(error) });
    }
    return Ok(issueSession(this.tokens, user, now));
  }
}

export function emailTaken(): DomainError {
  return domainError('EMAIL_TAKEN', 'User already exists with this email');
}

export interface LoginInput {
  readonly email?: string;
  readonly password?: string;
  /** The caller's address: failures are counted per email + IP. */
  readonly ip: string;
}

const DUMMY_PASSWORD = 'not-a-real-password-only-for-timing';

export class LoginUser {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  async execute(input: LoginInput): Promise<Result<Session, DomainError>> {
    if (!input.email || !input.password) {
      return Err(domainError('VALIDATION_FAILED', 'Please provide email and password'));
    }
    const email = normalizeEmail(input.email);
    const key = `${email}|${input.ip}`;
    const decision = await this.throttle.attempt(key, this.clock.now());
    if (!decision.allowed) return Err(tooManyAttempts(decision.retryAt, this.clock.now()));

    const user = await this.users.findByEmail(email);
    // Unknown emails cost one bcrypt comparison too, so timing does not reveal which exist.
    const matches = await this.hasher.compare(input.password, user?.passwordHash ?? (await this.dummy()));
    if (!user || !matches) return Err(domainError('INVALID_CREDENTIALS', 'Invalid credentials'));
    if (!user.isActive) return Err(domainError('USER_DEACTIVATED', 'User account is deactivated'));

    await this.throttle.reset(key);
    const now = this.clock.now();
    const saved = await modifyUser(this.users, user.id, (u) => Ok(recordLogin(u, now)));
    return Ok(issueSession(this.tokens, saved.isOk() ? saved.value : recordLogin(user, now), now));
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(DUMMY_PASSWORD);
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
  ) {}

  async execute(input: { token?: string }): Promise<Result<{ revoked: boolean }, DomainError>> {
    if (!input.token) return Ok({ revoked: false });
    const now = this.clock.now();
    const claims = this.tokens.verify(input.token, Math.floor(now.getTime() / 1000));
    if (!claims) return Ok({ revoked: false });
    const grace = this.settings.logoutGraceMs;
    await this.revocations.revoke(
      this.digest.digest(input.token),
      new Date(claims.expiresAt * 1000),
      grace > 0 ? new Date(now.getTime() + grace) : undefined,
    );
    return Ok({ revoked: true });
  }
}
