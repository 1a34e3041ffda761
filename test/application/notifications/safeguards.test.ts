import { expect } from 'chai';
import {
  DeliverNotification,
  unsubscribeHeaders,
} from '../../../application/notifications/deliver-notification.js';
import {
  NOTIFICATIONS_QUEUE,
  SendNotification,
  type DeliveryPolicy,
} from '../../../application/notifications/send-notification.js';
import { SendSafeguards } from '../../../application/notifications/safeguards.js';
import type { RecipientRatePolicy } from '../../../application/notifications/ports.js';
import type { MailMessage } from '../../../application/shared/mail.js';
import type { JobQueue } from '../../../application/shared/job-queue.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryNotificationRepository } from '../../../adapters/persistence/memory/notifications-repository.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { MemoryRecipientRateLimit } from '../../../adapters/cache/memory-recipient-rate-limit.js';
import { HmacUnsubscribeTokens } from '../../../adapters/security/hmac-unsubscribe-tokens.js';
import { LiquidTemplateLibrary } from '../../../adapters/templates/liquid-template-library.js';
import { notificationTemplatesDir } from '../../../bootstrap/paths.js';
import { DEFAULT_PREFERENCES, type Preferences } from '../../../domain/identity/user.js';
import { aUser, SequentialIds, TestClock } from '../../support/kit.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const POLICY: DeliveryPolicy = { attempts: 1, backoffMs: 1, resumeAfterMs: 60_000, resumeBatch: 100 };
const SECRET = 's'.repeat(32);

function setup(rate: RecipientRatePolicy = { max: 100, transactionalMax: 100, windowMs: 3600_000 }) {
  const db = new MemoryDatabase();
  const clock = new TestClock();
  const notifications = new MemoryNotificationRepository(db);
  const users = new MemoryUserRepository(db);
  const queue: JobQueue = new InProcessJobQueue(clock);
  const mails: MailMessage[] = [];
  const tokens = new HmacUnsubscribeTokens(SECRET);
  const templates = new LiquidTemplateLibrary(notificationTemplatesDir(), {
    name: 'Amour Florals',
    url: 'http://shop.test',
  });
  const send = new SendNotification(
    templates,
    notifications,
    users,
    queue,
    new SequentialIds(),
    clock,
    POLICY,
    quiet,
    new SendSafeguards(new MemoryRecipientRateLimit(), rate, tokens, { publicUrl: 'http://api.test/' }),
  );
  const deliver = new DeliverNotification(
    notifications,
    { send: async (m) => void mails.push(m) },
    { send: async () => ({}) },
    { send: async () => undefined },
    { save: async () => undefined, listByUser: async () => [], remove: async () => undefined },
    clock,
    quiet,
  );
  const userWith = async (preferences: Partial<Preferences>, phone?: string) => {
    const user = aUser({
      preferences: { ...DEFAULT_PREFERENCES, ...preferences },
      ...(phone ? { phone } : {}),
    });
    (await users.create(user)).unwrap();
    return user;
  };
  /** Runs the queued deliveries to the end. */
  const drain = async () => {
    queue.process(NOTIFICATIONS_QUEUE, (job) => deliver.handle(job as never));
    for (;;) {
      const page = await notifications.query({ page: 1, limit: 1000, status: 'pending' });
      if (page.total === 0) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  return { send, notifications, mails, tokens, clock, userWith, drain, queue };
}

const newsletter = { template: 'newsletter', variables: { headline: 'Spring', body: 'Tulips' } };

describe('application/notifications preferences, unsubscribe links and the per-recipient rate limit', () => {
  it('marketing mail: sent only with newsletter and emailNotifications on; the others recorded failed `opted-out`', async () => {
    const t = setup();
    const on = await t.userWith({});
    const noNewsletter = await t.userWith({ newsletter: false });
    const noMail = await t.userWith({ emailNotifications: false });
    const results = [];
    for (const u of [on, noNewsletter, noMail]) {
      results.push(
        (await t.send.execute({ channel: 'email', to: { userId: u.id }, ...newsletter })).unwrap(),
      );
    }
    expect(results.map((n) => n.status)).to.deep.equal(['pending', 'failed', 'failed']);
    expect(results[1]).to.deep.include({ lastError: 'opted-out' });
    expect(results[2]!.metadata.skipped).to.equal('opted-out');
    await t.drain();
    expect(t.mails.map((m) => m.to)).to.deep.equal([on.email]);
  });

  it('a bare address that is a user’s follows that user’s preferences', async () => {
    const t = setup();
    const u = await t.userWith({ newsletter: false });
    const n = (
      await t.send.execute({ channel: 'email', to: { address: u.email.toUpperCase() }, ...newsletter })
    ).unwrap();
    expect(n.status).to.equal('failed');
    expect(n.metadata.skipped).to.equal('opted-out');
  });

  it('transactional: mail always goes (even with emailNotifications off), SMS only with smsNotifications on', async () => {
    const t = setup();
    const u = await t.userWith(
      { emailNotifications: false, newsletter: false, smsNotifications: false },
      '+919812345678',
    );
    const custom = { custom: { subject: 'Reset', body: 'Your link' } };
    const mail = (await t.send.execute({ channel: 'email', to: { userId: u.id }, ...custom })).unwrap();
    const sms = (
      await t.send.execute({ channel: 'sms', to: { userId: u.id }, custom: { body: 'Out for delivery' } })
    ).unwrap();
    expect(mail.status).to.equal('pending');
    expect(sms.status).to.equal('failed');
    expect(sms.metadata.skipped).to.equal('opted-out');
    const smsOn = await t.userWith({ smsNotifications: true }, '+919812345679');
    const allowed = (
      await t.send.execute({ channel: 'sms', to: { userId: smsOn.id }, custom: { body: 'Out for delivery' } })
    ).unwrap();
    expect(allowed.status).to.equal('pending');
  });

  it('marketing mail carries a signed one-click unsubscribe link and the RFC 8058 headers; transactional mail does not', async () => {
    const t = setup();
    const u = await t.userWith({});
    const n = (await t.send.execute({ channel: 'email', to: { userId: u.id }, ...newsletter })).unwrap();
    const url = n.metadata.unsubscribeUrl!;
    expect(url).to.match(/^http:\/\/api\.test\/api\/notifications\/unsubscribe\?token=/);
    const token = decodeURIComponent(new URL(url).searchParams.get('token')!);
    expect(t.tokens.verify(token)).to.deep.equal({ userId: u.id, topic: 'newsletter' });
    expect(n.content).to.include(url);
    // A marketing custom message gets the link at its foot.
    const custom = (
      await t.send.execute({
        channel: 'email',
        to: { userId: u.id },
        custom: { subject: 'Sale', body: 'Roses -20%' },
        category: 'marketing',
      })
    ).unwrap();
    expect(custom.content).to.include(`Unsubscribe: ${custom.metadata.unsubscribeUrl}`);
    expect(custom.html).to.include('Unsubscribe</a>');
    const reset = (
      await t.send.execute({
        channel: 'email',
        to: { userId: u.id },
        custom: { subject: 'Reset', body: 'Link' },
      })
    ).unwrap();
    expect(reset.metadata.unsubscribeUrl).to.equal(undefined);
    await t.drain();
    const byId = (s: string) => t.mails.find((m) => m.subject === s)!;
    expect(byId('Spring').headers).to.deep.equal({
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(byId('Reset').headers).to.equal(undefined);
    expect(unsubscribeHeaders('https://x')['List-Unsubscribe']).to.equal('<https://x>');
  });

  it('a tampered token is refused', () => {
    const tokens = new HmacUnsubscribeTokens(SECRET);
    const good = tokens.sign({ userId: 'u1', topic: 'newsletter' });
    expect(tokens.verify(good)).to.deep.equal({ userId: 'u1', topic: 'newsletter' });
    expect(tokens.verify(good.replace('u1.', 'u2.'))).to.equal(null);
    expect(tokens.verify(good.replace('newsletter', 'smsNotifications'))).to.equal(null);
    expect(tokens.verify(`${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`)).to.equal(null);
    expect(new HmacUnsubscribeTokens('t'.repeat(32)).verify(good)).to.equal(null);
    expect(tokens.verify('garbage')).to.equal(null);
  });

  it('rate limit: past the budget a recipient’s messages are recorded `rate-limited` and not sent; transactional has its own budget; a new window resets it', async () => {
    const t = setup({ max: 2, transactionalMax: 3, windowMs: 60_000 });
    const u = await t.userWith({});
    const marketing = [];
    for (let i = 0; i < 4; i += 1) {
      marketing.push(
        (await t.send.execute({ channel: 'email', to: { userId: u.id }, ...newsletter })).unwrap(),
      );
    }
    expect(marketing.map((n) => n.status)).to.deep.equal(['pending', 'pending', 'failed', 'failed']);
    expect(marketing[2]).to.deep.include({ lastError: 'rate-limited' });
    const transactional = [];
    for (let i = 0; i < 4; i += 1) {
      transactional.push(
        (
          await t.send.execute({
            channel: 'email',
            to: { userId: u.id },
            custom: { subject: `T${i}`, body: 'x' },
          })
        ).unwrap(),
      );
    }
    expect(transactional.map((n) => n.status)).to.deep.equal(['pending', 'pending', 'pending', 'failed']);
    // Another recipient has its own budget; bare addresses are counted per address.
    const other = await t.userWith({});
    expect(
      (await t.send.execute({ channel: 'email', to: { userId: other.id }, ...newsletter })).unwrap().status,
    ).to.equal('pending');
    t.clock.advance(60_000);
    expect(
      (await t.send.execute({ channel: 'email', to: { userId: u.id }, ...newsletter })).unwrap().status,
    ).to.equal('pending');
    await t.drain();
    expect(t.mails.filter((m) => m.to === u.email)).to.have.length(2 + 3 + 1);
  });

  it('rate limit under parallel sends: exactly the budget goes', async () => {
    const t = setup({ max: 3, transactionalMax: 3, windowMs: 60_000 });
    const u = await t.userWith({});
    const all = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.send.execute({ channel: 'email', to: { userId: u.id }, ...newsletter }),
      ),
    );
    expect(all.filter((r) => r.unwrap().status === 'pending')).to.have.length(3);
  });
});
