import { testSafeguards } from '../../support/notifications.js';
import sinon from 'sinon';
import type { AppLogger, RandomSource } from '../../../application/shared/ports.js';
import type { IdentitySettings } from '../../../application/identity/ports.js';
import type { Mailer, MailMessage } from '../../../application/shared/mail.js';
import { TokenAuthenticator } from '../../../application/identity/authenticator.js';
import {
  LoginUser,
  Logout,
  RegisterUser,
  TokenOnlySessions,
} from '../../../application/identity/sessions.js';
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
import { RecordingBus, SequentialIds, TestClock } from '../../support/kit.js';
import { MemoryStagedEventOutbox } from '../../../adapters/persistence/memory/events-outbox.js';
import { IssuePasswordReset, ResetLinks } from '../../../application/identity/reset-links.js';
import {
  ResetLinkSecrets,
  SendResetLinkWhenPasswordResetRequested,
  SendWelcomeWhenUserRegistered,
} from '../../../application/notifications/account-notifications.js';
import { DeliverNotification } from '../../../application/notifications/deliver-notification.js';
import {
  NOTIFICATIONS_QUEUE,
  SendNotification,
} from '../../../application/notifications/send-notification.js';
import { MemoryNotificationRepository } from '../../../adapters/persistence/memory/notifications-repository.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { LiquidTemplateLibrary } from '../../../adapters/templates/liquid-template-library.js';
import { notificationTemplatesDir } from '../../../bootstrap/paths.js';

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
    maxIpFailures?: number;
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
  // Locks of 1, 2, 4, 8 minutes (exponential backoff), as bootstrap/modules/sessions.ts builds them.
  const lock = { windowMs: 60_000, lockMs: 60_000, maxLockMs: 8 * 60_000 };
  const throttle = new MemoryLoginThrottle(db, { maxFailures: options.maxFailures ?? 3, ...lock });
  const accountThrottle = new MemoryLoginThrottle(db, {
    maxFailures: options.maxAccountFailures ?? 10,
    ...lock,
  });
  const ipThrottle = new MemoryLoginThrottle(db, { maxFailures: options.maxIpFailures ?? 30, ...lock });
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
    resetLinkKey: 'reset-link-test-key',
    ...(options.maxConcurrentLoginsPerIp !== undefined
      ? { maxConcurrentLoginsPerIp: options.maxConcurrentLoginsPerIp }
      : {}),
  };
  const tasks = new InProcessBackgroundTasks(logger);
  // The account messages as the app sends them: events on a dispatcher, their handlers, the
  // notification pipeline (one attempt: a failure is final) delivering to the recording mailer.
  const staged = new MemoryStagedEventOutbox(db);
  const bus = new RecordingBus({ db, clock, logger, staged, outboxes: [staged] });
  const notifications = new MemoryNotificationRepository(db);
  const queue = new InProcessJobQueue(clock);
  const links = new ResetLinks(digest, settings);
  const send = new SendNotification(
    new LiquidTemplateLibrary(notificationTemplatesDir(), {
      name: 'Amour Florals',
      url: settings.frontendUrl,
    }),
    notifications,
    users,
    queue,
    new SequentialIds('e'),
    clock,
    { attempts: 1, backoffMs: 1, resumeAfterMs: 60_000, resumeBatch: 10 },
    logger,
    testSafeguards(),
  );
  const deliver = new DeliverNotification(
    notifications,
    { send: (m) => mailer.send(m) },
    { send: async () => ({}) },
    { send: async () => undefined },
    { save: async () => undefined, listByUser: async () => [], remove: async () => undefined },
    clock,
    logger,
    new ResetLinkSecrets(links),
  );
  void queue.process(NOTIFICATIONS_QUEUE, (job) => deliver.handle(job as never));
  const issue = new IssuePasswordReset(users, resets, digest, links, clock, settings);
  const instance = (on: RecordingBus) => {
    on.subscribe('identity.user-registered', new SendWelcomeWhenUserRegistered(users, send, logger));
    on.subscribe(
      'identity.password-reset-requested',
      new SendResetLinkWhenPasswordResetRequested(issue, send, logger),
    );
    return on;
  };
  instance(bus);
  /** Every reaction finished and every message sent or failed. */
  const settled = async () => {
    await tasks.drain();
    await bus.drain();
    while ((await notifications.listPending(new Date(8.64e15), 1)).length > 0) {
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const forgot = new ForgotPassword(users, bus, ids, clock, tasks);
  const sessions = new TokenOnlySessions(tokens);
  const register = new RegisterUser(users, hasher, sessions, ids, clock, bus);
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
    bus,
    notifications,
    /** Another instance: its own dispatcher on the same store, with the same handlers. */
    otherInstance: () => instance(new RecordingBus({ db, clock, logger, staged, outboxes: [staged] })),
    settled,
    /** RegisterUser, waiting for its welcome message too. */
    register: {
      async execute(input: Parameters<RegisterUser['execute']>[0]) {
        const answer = await register.execute(input);
        await settled();
        return answer;
      },
    },
    login: new LoginUser(users, hasher, sessions, throttle, clock, accountThrottle, settings, ipThrottle),
    logout: new Logout(tokens, revocations, digest, clock, settings),
    updateDetails: new UpdateDetails(users, clock),
    updatePassword: new UpdatePassword(users, hasher, sessions, clock),
    tasks,
    /** ForgotPassword itself answers before its mail; `forgot` also waits for the mail, for tests that read it. */
    forgotUseCase: forgot,
    forgot: {
      async execute(input: { email: string }) {
        const answer = await forgot.execute(input);
        await settled();
        return answer;
      },
    },
    reset: new ResetPassword(users, resets, digest, hasher, sessions, clock),
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
