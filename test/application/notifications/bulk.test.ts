import { expect } from 'chai';
import {
  BULK_QUEUE,
  GetBulkNotification,
  RunBulkNotification,
  StartBulkNotification,
  type BulkRequest,
} from '../../../application/notifications/bulk.js';
import { DeliverNotification } from '../../../application/notifications/deliver-notification.js';
import {
  NOTIFICATIONS_QUEUE,
  SendNotification,
  type DeliveryPolicy,
} from '../../../application/notifications/send-notification.js';
import { SendSafeguards } from '../../../application/notifications/safeguards.js';
import type { UserRepository } from '../../../application/identity/index.js';
import type { MailMessage } from '../../../application/shared/mail.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryNotificationRepository } from '../../../adapters/persistence/memory/notifications-repository.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MemoryBulkNotificationStore } from '../../../adapters/persistence/memory/notifications-bulk-sends.js';
import { MemoryRecipientRateLimit } from '../../../adapters/cache/memory-recipient-rate-limit.js';
import { HmacUnsubscribeTokens } from '../../../adapters/security/hmac-unsubscribe-tokens.js';
import { LiquidTemplateLibrary } from '../../../adapters/templates/liquid-template-library.js';
import { notificationTemplatesDir } from '../../../bootstrap/paths.js';
import { DEFAULT_PREFERENCES } from '../../../domain/identity/user.js';
import { aUser, SequentialIds, TestClock } from '../../support/kit.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const POLICY: DeliveryPolicy = { attempts: 3, backoffMs: 1, resumeAfterMs: 60_000, resumeBatch: 100 };

/** A mailer that holds every send until released (to watch progress while a bulk runs). */
class GatedMailer {
  readonly sent: MailMessage[] = [];
  private release: (() => void) | undefined;
  private readonly gate: Promise<void>;
  constructor(open: boolean) {
    this.gate = open ? Promise.resolve() : new Promise((r) => (this.release = r));
  }
  open(): void {
    this.release?.();
  }
  async send(m: MailMessage): Promise<void> {
    await this.gate;
    this.sent.push(m);
  }
}

async function setup(options: { gated?: boolean; flakyWalk?: boolean } = {}) {
  const db = new MemoryDatabase();
  const clock = new TestClock();
  const notifications = new MemoryNotificationRepository(db);
  const memoryUsers = new MemoryUserRepository(db);
  let failures = options.flakyWalk ? 1 : 0;
  // A walk that dies after its first page once (a worker killed mid-walk).
  const users: UserRepository = Object.assign(Object.create(memoryUsers) as UserRepository, {
    pageBySegment: async (...args: Parameters<UserRepository['pageBySegment']>) => {
      if (args[1] !== undefined && failures > 0) {
        failures -= 1;
        throw new Error('worker lost');
      }
      return memoryUsers.pageBySegment(...args);
    },
  });
  const bulks = new MemoryBulkNotificationStore(db);
  const queue = new InProcessJobQueue(clock);
  const mailer = new GatedMailer(!options.gated);
  const templates = new LiquidTemplateLibrary(notificationTemplatesDir(), {
    name: 'Amour Florals',
    url: 'http://shop',
  });
  const ids = new SequentialIds();
  const send = new SendNotification(
    templates,
    notifications,
    users,
    queue,
    ids,
    clock,
    POLICY,
    quiet,
    new SendSafeguards(
      new MemoryRecipientRateLimit(),
      { max: 100, transactionalMax: 100, windowMs: 3600_000 },
      new HmacUnsubscribeTokens('k'.repeat(32)),
      { publicUrl: 'http://api' },
    ),
  );
  const deliver = new DeliverNotification(
    notifications,
    mailer,
    { send: async () => ({}) },
    { send: async () => undefined },
    { save: async () => undefined, listByUser: async () => [], remove: async () => undefined },
    clock,
    quiet,
  );
  const run = new RunBulkNotification(send, users, bulks, notifications, clock, quiet);
  const start = new StartBulkNotification(send, users, bulks, queue, ids, clock, POLICY);
  const progress = new GetBulkNotification(bulks, notifications);
  queue.process(NOTIFICATIONS_QUEUE, (job) => deliver.handle(job as never), { concurrency: 4 });
  queue.process(BULK_QUEUE, (job) => run.handle(job as never));
  const audience = { on: [] as string[], off: [] as string[] };
  for (let i = 0; i < 12; i += 1) {
    const newsletter = i % 4 !== 0;
    const u = aUser({ preferences: { ...DEFAULT_PREFERENCES, newsletter } });
    await memoryUsers.create(u);
    (newsletter ? audience.on : audience.off).push(u.id);
  }
  await memoryUsers.create(aUser({ isActive: false }));
  const until = async (id: string, done: (p: Awaited<ReturnType<typeof progress.execute>>) => boolean) => {
    for (;;) {
      const p = await progress.execute(id);
      if (done(p)) return p.unwrap().progress;
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  return { start, progress, run, mailer, notifications, audience, queue, until, bulks };
}

const request: BulkRequest = {
  segment: { kind: 'all' },
  channel: 'email',
  template: 'newsletter',
  variables: { headline: 'Spring', body: 'Tulips' },
  requestedBy: 'admin-1',
};

describe('application/notifications bulk sends', () => {
  it('a segment with some users opted out: total, completed and failed add up; progress is visible while running', async () => {
    const t = await setup({ gated: true });
    const bulk = (await t.start.execute(request)).unwrap();
    expect(bulk.estimated).to.equal(12);
    // The walk is done, the deliveries are held: running, nothing sent, the opted-out ones failed.
    const running = await t.until(bulk.id, (p) => p.unwrap().bulk.walked !== undefined);
    expect(running).to.deep.include({ status: 'running', total: 12, completed: 0, failed: 3 });
    expect(running.percentage).to.equal(25);
    t.mailer.open();
    const done = await t.until(bulk.id, (p) => p.unwrap().progress.status === 'completed');
    expect(done).to.deep.equal({
      status: 'completed',
      total: 12,
      completed: 9,
      failed: 3,
      pending: 0,
      percentage: 100,
    });
    expect(t.mailer.sent).to.have.length(9);
    const failed = await t.notifications.query({ page: 1, limit: 50, status: 'failed' });
    expect(
      failed.items.every((n) => n.metadata.skipped === 'opted-out' && t.audience.off.includes(n.userId!)),
    ).to.equal(true);
    // Every mail is marketing with its own unsubscribe link.
    expect(new Set(t.mailer.sent.map((m) => m.headers?.['List-Unsubscribe'])).size).to.equal(9);
  });

  it('a walk that dies midway and is retried, and parallel repeats of the job, send nobody twice', async () => {
    const t = await setup({ flakyWalk: true });
    const bulk = (await t.start.execute(request)).unwrap();
    const done = await t.until(bulk.id, (p) => p.unwrap().progress.status === 'completed');
    expect(done).to.deep.include({ total: 12, completed: 9, failed: 3 });
    const job = await t.queue.get(BULK_QUEUE, bulk.id);
    expect(job).to.deep.include({ state: 'completed', lastError: 'worker lost' });
    expect(job!.attemptsMade).to.be.at.least(2);
    // The same job delivered again (a stalled job taken by two workers).
    const again = { data: { bulkId: bulk.id }, attempt: 1, maxAttempts: 3, id: bulk.id, name: 'bulk' };
    await Promise.all([t.run.handle(again as never), t.run.handle(again as never)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.mailer.sent).to.have.length(9);
    expect(new Set(t.mailer.sent.map((m) => m.to)).size).to.equal(9);
    expect((await t.notifications.query({ page: 1, limit: 100 })).total).to.equal(12);
  });

  it('a retried walk before it finished: the second walk finds every notification already there', async () => {
    const t = await setup({ gated: true });
    const bulk = (
      await t.start.execute({ ...request, segment: { kind: 'preference', preference: 'newsletter' } })
    ).unwrap();
    await t.until(bulk.id, (p) => p.unwrap().bulk.walked !== undefined);
    // Forget the walk's end, as if the worker died just before recording it, and walk again.
    const stored = (await t.bulks.findById(bulk.id))!;
    const { walked: _w, finishedAt: _f, ...unfinished } = stored;
    (t.bulks as unknown as { byId: Map<string, unknown> }).byId.set(bulk.id, unfinished);
    const job = { data: { bulkId: bulk.id }, attempt: 2, maxAttempts: 3, id: bulk.id, name: 'bulk' };
    await Promise.all([t.run.handle(job as never), t.run.handle(job as never)]);
    t.mailer.open();
    const done = await t.until(bulk.id, (p) => p.unwrap().progress.status === 'completed');
    expect(done).to.deep.include({ total: 9, completed: 9, failed: 0 });
    expect(t.mailer.sent).to.have.length(9);
  });

  it('an SMS bulk to users without a phone records each as failed `unreachable`, so the counts still add up', async () => {
    const t = await setup();
    const bulk = (
      await t.start.execute({
        ...request,
        channel: 'sms',
        template: undefined,
        variables: undefined,
        custom: { body: 'Sale' },
      } as BulkRequest)
    ).unwrap();
    const done = await t.until(bulk.id, (p) => p.unwrap().progress.status === 'completed');
    expect(done).to.deep.include({ total: 12, completed: 0, failed: 12, percentage: 100 });
    const failed = await t.notifications.query({ page: 1, limit: 50, status: 'failed' });
    expect(new Set(failed.items.map((n) => n.metadata.skipped))).to.deep.equal(new Set(['unreachable']));
  });

  it('refuses a message the template cannot render, naming the field, and queues nothing', async () => {
    const t = await setup();
    const r = await t.start.execute({ ...request, variables: { headline: 'Only' } });
    expect(r.isErr() && r.error.code).to.equal('VALIDATION_FAILED');
    expect(r.isErr() && (r.error.details as { errors: { field: string }[] }).errors[0]!.field).to.equal(
      'variables.body',
    );
    const none = await t.start.execute({ ...request, segment: { kind: 'users', ids: [] } });
    expect(none.isErr() && (none.error.details as { errors: { field: string }[] }).errors[0]!.field).to.equal(
      'segment.ids',
    );
  });
});
