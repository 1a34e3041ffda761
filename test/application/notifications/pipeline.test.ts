import { expect } from 'chai';
import type { PushSubscription, PushSubscriptionStore } from '../../../application/notifications/channels.js';
import {
  DeliverNotification,
  ResumePendingNotifications,
} from '../../../application/notifications/deliver-notification.js';
import {
  NOTIFICATIONS_QUEUE,
  SendNotification,
  type DeliveryPolicy,
  type SendNotificationInput,
} from '../../../application/notifications/send-notification.js';
import { PermanentJobError, type JobQueue, type JobView } from '../../../application/shared/job-queue.js';
import type { MailMessage } from '../../../application/shared/mail.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryNotificationRepository } from '../../../adapters/persistence/memory/notifications-repository.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { LiquidTemplateLibrary } from '../../../adapters/templates/liquid-template-library.js';
import { notificationTemplatesDir } from '../../../bootstrap/paths.js';
import { SendSafeguards } from '../../../application/notifications/safeguards.js';
import { MemoryRecipientRateLimit } from '../../../adapters/cache/memory-recipient-rate-limit.js';
import { HmacUnsubscribeTokens } from '../../../adapters/security/hmac-unsubscribe-tokens.js';
import { aUser, SequentialIds, TestClock } from '../../support/kit.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const POLICY: DeliveryPolicy = { attempts: 3, backoffMs: 1, resumeAfterMs: 60_000, resumeBatch: 100 };

/** A channel whose next sends fail as scripted (an Error, a PermanentJobError), then succeed. */
class ScriptedChannel {
  readonly sent: unknown[] = [];
  constructor(private failures: Error[] = []) {}
  failNext(...errors: Error[]): void {
    this.failures = errors;
  }
  async take(message: unknown): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
  }
}

class Subscriptions implements PushSubscriptionStore {
  readonly byUser = new Map<string, PushSubscription[]>();
  async save(userId: string, s: PushSubscription): Promise<void> {
    this.byUser.set(userId, [...(this.byUser.get(userId) ?? []).filter((x) => x.endpoint !== s.endpoint), s]);
  }
  async listByUser(userId: string): Promise<readonly PushSubscription[]> {
    return this.byUser.get(userId) ?? [];
  }
  async remove(userId: string, endpoint: string): Promise<void> {
    this.byUser.set(
      userId,
      (this.byUser.get(userId) ?? []).filter((x) => x.endpoint !== endpoint),
    );
  }
}

async function finished(queue: JobQueue, id: string): Promise<JobView> {
  for (;;) {
    const job = await queue.get(NOTIFICATIONS_QUEUE, id);
    if (job && (job.state === 'completed' || job.state === 'dead')) return job;
    await new Promise((r) => setTimeout(r, 2));
  }
}

function setup() {
  const db = new MemoryDatabase();
  const clock = new TestClock();
  const notifications = new MemoryNotificationRepository(db);
  const users = new MemoryUserRepository(db);
  let queue = new InProcessJobQueue(clock);
  const mail = new ScriptedChannel();
  const sms = new ScriptedChannel();
  const push = new ScriptedChannel();
  const subscriptions = new Subscriptions();
  const templates = new LiquidTemplateLibrary(notificationTemplatesDir(), {
    name: 'Amour Florals',
    url: 'http://shop.test',
  });
  const ids = new SequentialIds();
  const deliver = new DeliverNotification(
    notifications,
    { send: (m: MailMessage) => mail.take(m) },
    { send: async (m) => (await sms.take(m), {}) },
    { send: (s, m) => push.take({ s, m }) },
    subscriptions,
    clock,
    quiet,
  );
  const safeguards = new SendSafeguards(
    new MemoryRecipientRateLimit(),
    { max: 1000, transactionalMax: 1000, windowMs: 3600_000 },
    new HmacUnsubscribeTokens('x'.repeat(32)),
    { publicUrl: 'http://api.test' },
  );
  const makeSend = () =>
    new SendNotification(templates, notifications, users, queue, ids, clock, POLICY, quiet, safeguards);
  let send = makeSend();
  const startWorker = () => queue.process(NOTIFICATIONS_QUEUE, (job) => deliver.handle(job as never));
  return {
    db,
    clock,
    notifications,
    users,
    mail,
    sms,
    push,
    subscriptions,
    get queue() {
      return queue;
    },
    get send() {
      return send;
    },
    startWorker,
    /** A new process: the in-process queue is gone with everything it held. */
    async restart() {
      await queue.close();
      queue = new InProcessJobQueue(clock);
      send = makeSend();
    },
    resume: () => new ResumePendingNotifications(notifications, send, queue, clock, POLICY),
  };
}

const custom = (overrides: Partial<SendNotificationInput> = {}): SendNotificationInput => ({
  channel: 'email',
  to: { address: 'Asha@Example.com' },
  custom: { subject: 'Hello', body: 'Your flowers are ready' },
  ...overrides,
});

describe('application/notifications the send pipeline', () => {
  it('stores the notification pending, then the worker sends it and marks it sent with its time', async () => {
    const t = setup();
    const n = (await t.send.execute(custom())).unwrap();
    expect(n).to.deep.include({
      status: 'pending',
      recipient: 'asha@example.com',
      subject: 'Hello',
      type: 'email',
    });
    expect(n.template).to.equal(undefined);
    expect(n.metadata.category).to.equal('transactional');
    t.startWorker();
    await finished(t.queue, n.id);
    const stored = (await t.notifications.findById(n.id))!;
    expect(stored).to.deep.include({ status: 'sent', retryCount: 0, sentAt: t.clock.now() });
    expect(t.mail.sent).to.have.length(1);
    expect(t.mail.sent[0]).to.deep.include({ to: 'asha@example.com', subject: 'Hello' });
  });

  it('a provider that fails twice then succeeds: sent, retryCount 2, the last error kept', async () => {
    const t = setup();
    t.mail.failNext(new Error('421 try later'), new Error('connection reset'));
    t.startWorker();
    const n = (await t.send.execute(custom())).unwrap();
    const job = await finished(t.queue, n.id);
    expect(job.state).to.equal('completed');
    expect(await t.notifications.findById(n.id)).to.deep.include({
      status: 'sent',
      retryCount: 2,
      lastError: 'connection reset',
    });
    expect(t.mail.sent).to.have.length(1);
  });

  it('a provider that always fails: failed on the last attempt, with the reason', async () => {
    const t = setup();
    t.sms.failNext(new Error('503 a'), new Error('503 b'), new Error('503 provider down'));
    t.startWorker();
    const n = (await t.send.execute(custom({ channel: 'sms', to: { address: '+91 98450 12345' } }))).unwrap();
    expect((await finished(t.queue, n.id)).state).to.equal('dead');
    expect(await t.notifications.findById(n.id)).to.deep.include({
      status: 'failed',
      retryCount: 3,
      lastError: '503 provider down',
    });
    expect(t.sms.sent).to.deep.equal([]);
  });

  it('a permanent failure is not retried: failed at once', async () => {
    const t = setup();
    t.sms.failNext(new PermanentJobError('21211 invalid number'));
    t.startWorker();
    const n = (await t.send.execute(custom({ channel: 'sms', to: { address: '+1 555 0100' } }))).unwrap();
    const job = await finished(t.queue, n.id);
    expect(job).to.deep.include({ state: 'dead', attemptsMade: 1 });
    expect(await t.notifications.findById(n.id)).to.deep.include({
      status: 'failed',
      retryCount: 1,
      lastError: '21211 invalid number',
    });
  });

  it('renders a template for a user: their address, the template name, its category', async () => {
    const t = setup();
    const user = aUser({ email: 'meera@example.com', fullName: 'Meera' });
    await t.users.create(user);
    const n = (
      await t.send.execute({
        channel: 'email',
        to: { userId: user.id },
        template: 'newsletter',
        variables: { headline: 'Spring', body: 'Tulips are here' },
      })
    ).unwrap();
    expect(n).to.deep.include({
      userId: user.id,
      recipient: 'meera@example.com',
      template: 'newsletter',
      subject: 'Spring',
    });
    expect(n.metadata.category).to.equal('marketing');
    expect(n.content).to.include('Tulips are here');
  });

  it('refuses bad input naming the field, storing nothing', async () => {
    const t = setup();
    const fieldOf = async (input: SendNotificationInput) => {
      const e = (await t.send.execute(input)).unwrapErr();
      return e.code === 'VALIDATION_FAILED'
        ? (e.details as unknown as { errors: { field: string }[] }).errors[0]!.field
        : e.code;
    };
    expect(await fieldOf(custom({ to: { address: 'not-an-email' } }))).to.equal('email');
    expect(await fieldOf(custom({ channel: 'sms', to: { address: 'call me' } }))).to.equal('phone');
    expect(await fieldOf(custom({ custom: { body: 'no subject' } }))).to.equal('subject');
    expect(await fieldOf(custom({ to: { userId: 'ffffffffffffffffffffffff' } }))).to.equal('to');
    expect(await fieldOf(custom({ template: 'welcome' }))).to.equal('template');
    expect(
      await fieldOf({ channel: 'email', to: { address: 'a@b.co' }, template: 'welcome', variables: {} }),
    ).to.equal('variables.name');
    expect(await fieldOf({ channel: 'email', to: { address: 'a@b.co' }, template: 'nope' })).to.equal(
      'TEMPLATE_NOT_FOUND',
    );
    const noPhone = aUser();
    await t.users.create(noPhone);
    expect(await fieldOf(custom({ channel: 'sms', to: { userId: noPhone.id } }))).to.equal(
      'RECIPIENT_UNREACHABLE',
    );
    expect((await t.notifications.query({ page: 1, limit: 10 })).total).to.equal(0);
  });

  it('an id given (from an event): a repeat, even in parallel, stores and sends one message', async () => {
    const t = setup();
    t.startWorker();
    const input = custom({ id: 'evt-1-welcome' });
    const results = await Promise.all(Array.from({ length: 5 }, () => t.send.execute(input)));
    for (const r of results) expect(r.unwrap().id).to.equal('evt-1-welcome');
    await finished(t.queue, 'evt-1-welcome');
    expect((await t.send.execute(input)).unwrap().status).to.equal('sent');
    expect((await t.notifications.query({ page: 1, limit: 10 })).total).to.equal(1);
    expect(t.mail.sent).to.have.length(1);
  });

  it('push goes to every subscription of the user; a gone one is forgotten; none at all fails permanently', async () => {
    const t = setup();
    const user = aUser();
    await t.users.create(user);
    const keys = { p256dh: 'k', auth: 'a' };
    await t.subscriptions.save(user.id, { endpoint: 'https://push.test/1', keys });
    await t.subscriptions.save(user.id, { endpoint: 'https://push.test/2', keys });
    t.push.failNext(new PermanentJobError('410 gone'));
    t.startWorker();
    const n = (
      await t.send.execute({ channel: 'push', to: { userId: user.id }, custom: { body: 'Out for delivery' } })
    ).unwrap();
    await finished(t.queue, n.id);
    expect((await t.notifications.findById(n.id))!.status).to.equal('sent');
    expect(t.push.sent).to.have.length(1);
    expect(await t.subscriptions.listByUser(user.id)).to.have.length(1);
    expect(n).to.deep.include({ recipient: 'push', subject: 'Amour Florals', content: 'Out for delivery' });

    const lonely = aUser();
    await t.users.create(lonely);
    const m = (
      await t.send.execute({ channel: 'push', to: { userId: lonely.id }, custom: { body: 'Hi' } })
    ).unwrap();
    expect((await finished(t.queue, m.id)).state).to.equal('dead');
    expect(await t.notifications.findById(m.id)).to.deep.include({
      status: 'failed',
      lastError: 'the user has no push subscription',
    });
  });

  it('resume: a pending notification whose job died with its process is queued again once older than a minute', async () => {
    const t = setup();
    const n = (await t.send.execute(custom())).unwrap(); // queued, never worked: the process dies
    await t.restart();
    t.startWorker();
    expect(await t.resume().execute()).to.deep.equal({ resumed: 0, failed: 0 }); // too recent
    t.clock.advance(61_000);
    expect(await t.resume().execute()).to.deep.equal({ resumed: 1, failed: 0 });
    await finished(t.queue, n.id);
    expect((await t.notifications.findById(n.id))!.status).to.equal('sent');
    expect(t.mail.sent).to.have.length(1);
    // already sent: nothing left to resume, nothing sent twice
    t.clock.advance(61_000);
    expect(await t.resume().execute()).to.deep.equal({ resumed: 0, failed: 0 });
    expect(t.mail.sent).to.have.length(1);
  });

  it('resume never doubles a job that is still queued (dedup by job id)', async () => {
    const t = setup();
    const n = (await t.send.execute(custom())).unwrap();
    t.clock.advance(61_000);
    expect(await t.resume().execute()).to.deep.equal({ resumed: 0, failed: 0 });
    expect((await t.queue.counts(NOTIFICATIONS_QUEUE)).waiting).to.equal(1);
    t.startWorker();
    await finished(t.queue, n.id);
    expect(t.mail.sent).to.have.length(1);
  });
});
