import sinon from 'sinon';
import type { AppLogger, RandomSource } from '../../../application/shared/ports.js';
import type { IdentitySettings } from '../../../application/identity/ports.js';
import type { Mailer, MailMessage } from '../../../application/shared/mail.js';
import { TokenAuthenticator } from '../../../application/identity/authenticator.js';
import { LoginUser, Logout, RegisterUser } from '../../../application/identity/sessions.js';
import {
  ForgotPassword,
  ResetPassword,
  UpdateDetails,
  UpdatePassword,
} from '../../../application/identity/account.js';
import {
  CreateAdmin,
  EnsureAdminAccount,
  SetUserActive,
} from '../../../application/identity/admin-accounts.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import {
  MemoryPasswordResetStore,
  MemoryTokenRevocationStore,
} from '../../../adapters/persistence/memory/identity-tokens.js';
import { MemoryLoginThrottle } from '../../../adapters/persistence/memory/identity-login-throttle.js';
import { JwtTokenService } from '../../../adapters/security/jwt-token-service.js';
import { BcryptPasswordHasher } from '../../../adapters/security/bcrypt-password-hasher.js';
import { Sha256Digest } from '../../../adapters/security/sha256-digest.js';
import { InProcessBackgroundTasks } from '../../../adapters/system/background-tasks.js';
import { SequentialIds, TestClock } from '../../support/kit.js';

export class FixedRandom implements RandomSource {
  private n = 0;
  int(max: number): number {
    return (this.n += 1) % max;
  }
  hex(bytes: number): string {
    this.n += 1;
    return this.n.toString(16).padStart(bytes * 2, 'c');
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  failWith: Error | null = null;
  async send(message: MailMessage): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
  }
}

export function fakeLogger() {
  return { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() } satisfies AppLogger;
}

export const SECRET = 'application-test-secret-0123456789abcdefghij';

/** The identity use cases over memory adapters, a fake clock and recording mailer. */
export function identityKit(
  options: {
    adminPassword?: string;
    maxFailures?: number;
    production?: boolean;
    logoutGraceMs?: number;
    maxAccountFailures?: number;
    maxConcurrentLoginsPerIp?: number;
  } = {},
) {
  const clock = new TestClock();
  const db = new MemoryDatabase();
  const users = new MemoryUserRepository(db);
  const tokens = new JwtTokenService(SECRET, 3600);
  const hasher = new BcryptPasswordHasher(4, 0);
  const digest = new Sha256Digest();
  const revocations = new MemoryTokenRevocationStore(db);
  const resets = new MemoryPasswordResetStore(db);
  const throttle = new MemoryLoginThrottle(db, { maxFailures: options.maxFailures ?? 3, windowMs: 60_000 });
  const accountThrottle = new MemoryLoginThrottle(db, {
    maxFailures: options.maxAccountFailures ?? 10,
    windowMs: 60_000,
  });
  const mailer = new RecordingMailer();
  const logger = fakeLogger();
  const ids = new SequentialIds();
  const random = new FixedRandom();
  const settings: IdentitySettings = {
    frontendUrl: 'https://shop.example',
    resetTokenTtlMs: 3600_000,
    adminEmail: 'Boss@Example.com',
    adminPassword: options.adminPassword,
    revealGeneratedAdminPassword: !options.production,
    logoutGraceMs: options.logoutGraceMs ?? 0,
    ...(options.maxConcurrentLoginsPerIp !== undefined
      ? { maxConcurrentLoginsPerIp: options.maxConcurrentLoginsPerIp }
      : {}),
  };
  const tasks = new InProcessBackgroundTasks(logger);
  const forgot = new ForgotPassword(users, resets, digest, random, mailer, clock, logger, settings, tasks);
  const createAdmin = new CreateAdmin(users, hasher, ids, clock);
  return {
    clock,
    db,
    users,
    tokens,
    hasher,
    digest,
    revocations,
    resets,
    mailer,
    logger,
    settings,
    authenticator: new TokenAuthenticator(tokens, users, revocations, digest, clock),
    register: new RegisterUser(users, hasher, tokens, ids, clock, mailer, logger, settings),
    login: new LoginUser(users, hasher, tokens, throttle, clock, accountThrottle, settings),
    logout: new Logout(tokens, revocations, digest, clock, settings),
    updateDetails: new UpdateDetails(users, clock),
    updatePassword: new UpdatePassword(users, hasher, tokens, clock),
    tasks,
    /** ForgotPassword itself answers before its mail; `forgot` also waits for the mail, for tests that read it. */
    forgotUseCase: forgot,
    forgot: {
      async execute(input: { email: string }) {
        const answer = await forgot.execute(input);
        await tasks.drain();
        return answer;
      },
    },
    reset: new ResetPassword(users, resets, digest, hasher, tokens, clock),
    createAdmin,
    setActive: new SetUserActive(users, clock),
    ensureAdmin: new EnsureAdminAccount(users, createAdmin, random, logger, settings),
  };
}

export type IdentityKit = ReturnType<typeof identityKit>;

export async function registered(kit: IdentityKit, email = 'rose@example.com', password = 'secret1') {
  const r = await kit.register.execute({ fullName: 'Rose', email, password });
  return r.unwrap();
}
