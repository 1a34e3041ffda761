import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  changeDetails,
  changePreferences,
  recordSearch,
  type PreferencesInput,
  changePassword,
  EMAIL_PATTERN,
  normalizeEmail,
  validatePassword,
  validationFailed,
  type DetailsInput,
  type User,
} from '../../domain/identity/user.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { identityEvent, type PasswordResetRequested } from '../../domain/identity/events.js';
import { withHasher } from './hashing.js';
import type {
  BackgroundTasks,
  PasswordHasher,
  PasswordResetStore,
  SecretDigest,
  Session,
  SessionIssuer,
  SignInContext,
  UserRepository,
} from './ports.js';
import { modifyUser } from './save-user.js';
import { mfaEnabled } from '../../domain/identity/mfa.js';
import type { MfaChallengeIssued, SecondFactorGate } from './mfa.js';

export class UpdateDetails {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  execute(input: { userId: string } & DetailsInput): Promise<Result<User, DomainError>> {
    const { userId, ...details } = input;
    return modifyUser(this.users, userId, (user) => changeDetails(user, details, this.clock.now()));
  }
}

/** PUT /auth/preferences: a partial change of the five preferences (nothing else). */
export class UpdatePreferences {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  execute(input: { userId: string; preferences: PreferencesInput }): Promise<Result<User, DomainError>> {
    return modifyUser(this.users, input.userId, (user) =>
      changePreferences(user, input.preferences, this.clock.now()),
    );
  }
}

/** Remembers a search in the user's history (kept for the search context; capped). */
export class RecordSearch {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  execute(input: { userId: string; query: string }): Promise<Result<User, DomainError>> {
    return modifyUser(this.users, input.userId, (user) =>
      Ok(recordSearch(user, input.query, this.clock.now())),
    );
  }
}

export class UpdatePassword {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly clock: Clock,
  ) {}

  async execute(
    input: {
      userId: string;
      currentPassword: string;
      newPassword: string;
    },
    context: SignInContext = {},
  ): Promise<Result<Session, DomainError>> {
    const valid = validatePassword(input.newPassword, 'newPassword');
    if (valid.isErr()) return valid;
    const user = await this.users.findById(input.userId);
    if (!user) return Err(domainError('USER_NO_LONGER_EXISTS', 'User no longer exists'));
    // 400, not 401: a 401 would log the shopper out (compat 0.5).
    const matches = await withHasher(() => this.hasher.compare(input.currentPassword, user.passwordHash));
    if (matches.isErr()) return matches;
    if (!matches.value) {
      return Err(domainError('INVALID_CURRENT_PASSWORD', 'Current password is incorrect'));
    }
    const hashed = await withHasher(() => this.hasher.hash(input.newPassword));
    if (hashed.isErr()) return hashed;
    const hash = hashed.value;
    const now = this.clock.now();
    const saved = await modifyUser(this.users, user.id, (u) => Ok(changePassword(u, hash, now)));
    if (saved.isErr()) return saved;
    return Ok(await this.sessions.start(saved.value, now, context));
  }
}

/**
 * Records a password reset request for an existing, active account. Always answers the same
 * success, whether or not the email exists (no account enumeration), and in the same time: only
 * the email is checked before answering; the lookup and the recording run afterwards as a
 * background task. The request is an event (`identity.password-reset-requested`, staged in the
 * write-ahead outbox before it is published, so a process that dies still has it delivered by
 * the sweeper); it carries no token: the link is made when its message is (reset-links.ts).
 */
export class ForgotPassword {
  constructor(
    private readonly users: UserRepository,
    private readonly events: EventBus,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly tasks: BackgroundTasks,
  ) {}

  async execute(input: { email: string }): Promise<Result<{ message: string }, DomainError>> {
    const email = normalizeEmail(input.email);
    if (email === '') return Err(validationFailed([{ field: 'email', message: 'Please provide an email' }]));
    if (!EMAIL_PATTERN.test(email)) {
      return Err(validationFailed([{ field: 'email', message: 'Please provide a valid email' }]));
    }
    this.tasks.run('password reset request', () => this.record(email));
    return Ok({ message: 'Password reset email sent' });
  }

  private async record(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || !user.isActive) return;
    const event = identityEvent<PasswordResetRequested>(
      'identity.password-reset-requested',
      user.id,
      this.clock.now(),
      this.ids.next(),
    );
    await this.events.stage([event]);
    await this.events.publish([event]);
  }
}

export class ResetPassword {
  constructor(
    private readonly users: UserRepository,
    private readonly resets: PasswordResetStore,
    private readonly digest: SecretDigest,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly clock: Clock,
    /** An account with MFA gets the login challenge, not a session: a mailbox is not a second factor. */
    private readonly secondFactor?: SecondFactorGate,
  ) {}

  /** A session; an account with MFA gets MFA_REQUIRED (its password is changed: sign in). */
  async execute(
    input: { resetToken: string; password: string },
    context: SignInContext = {},
  ): Promise<Result<Session, DomainError>> {
    const outcome = await this.resetAndSignIn(input, context);
    if (outcome.isOk() && 'mfaRequired' in outcome.value) {
      return Err(domainError('MFA_REQUIRED', 'Password changed; sign in with your second factor'));
    }
    return outcome as Result<Session, DomainError>;
  }

  /** The HTTP reset: a session, or for an account with MFA the login challenge. */
  async resetAndSignIn(
    input: { resetToken: string; password: string },
    context: SignInContext = {},
  ): Promise<Result<Session | MfaChallengeIssued, DomainError>> {
    // A bad new password does not spend the token: the shopper can try again with the same link.
    const valid = validatePassword(input.password);
    if (valid.isErr()) return valid;
    const invalid = domainError('RESET_TOKEN_INVALID', 'Invalid or expired reset token');
    if (input.resetToken === '') return Err(invalid);
    const userId = await this.resets.consume(this.digest.digest(input.resetToken), this.clock.now());
    if (!userId) return Err(invalid);
    // A full hashing queue spends the token: the shopper asks for a new link (rare, under a flood).
    const hashed = await withHasher(() => this.hasher.hash(input.password));
    if (hashed.isErr()) return hashed;
    const hash = hashed.value;
    const now = this.clock.now();
    const saved = await modifyUser(this.users, userId, (u) => Ok(changePassword(u, hash, now)));
    if (saved.isErr()) return saved.error.code === 'NOT_FOUND' ? Err(invalid) : saved;
    if (mfaEnabled(saved.value)) {
      if (!this.secondFactor)
        return Err(domainError('MFA_REQUIRED', 'This account signs in with a second factor'));
      return Ok(await this.secondFactor.challenge(saved.value, now));
    }
    return Ok(await this.sessions.start(saved.value, now, context));
  }
}
