import { markSent, recordFailure, type Notification } from '../../domain/notifications/notification.js';
import { PermanentJobError, type JobHandler, type JobQueue, type RunningJob } from '../shared/job-queue.js';
import { escapeHtml, type Mailer } from '../shared/mail.js';
import type { AppLogger, Clock } from '../shared/ports.js';
import type { PushSender, PushSubscriptionStore, SmsSender } from './channels.js';
import { secretPlaceholder, type NotificationRepository, type SecretVariables } from './ports.js';
import {
  NOTIFICATIONS_QUEUE,
  type DeliverJobData,
  type DeliveryPolicy,
  type SendNotification,
} from './send-notification.js';

const SAVE_ATTEMPTS = 5;
/** A secret variable's placeholder (secretPlaceholder) left in a stored message. */
const SECRET_MARK = /\[\[secret:[A-Za-z][A-Za-z0-9_]*\]\]/;

/** RFC 8058 one-click unsubscribe: the link, and the promise that a bare POST to it is enough. */
export function unsubscribeHeaders(url: string): Readonly<Record<string, string>> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The processor of `deliver` jobs: loads the notification, sends it through its channel (the
 * Mailer, the SMS sender, or the push sender to each of the user's subscriptions), and marks it
 * `sent` with its time. A failed attempt is recorded (retryCount, lastError) and thrown again so
 * the queue retries it with backoff; on the last attempt, or a PermanentJobError, the
 * notification is `failed` with the reason. A notification already settled is not sent again
 * (a job repeated after a crash).
 */
export class DeliverNotification implements JobHandler<DeliverJobData> {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly mailer: Mailer,
    private readonly sms: SmsSender,
    private readonly push: PushSender,
    private readonly subscriptions: PushSubscriptionStore,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    /** Fills secret variables in (a reset link); none bound: a message with one fails. */
    private readonly secrets?: SecretVariables,
  ) {}

  async handle(job: RunningJob<DeliverJobData>): Promise<void> {
    const notification = await this.notifications.findById(job.data.notificationId);
    if (!notification) {
      throw new PermanentJobError(`notification ${job.data.notificationId} not found`);
    }
    if (notification.status !== 'pending') return;
    try {
      await this.send(await this.withSecrets(notification));
    } catch (error) {
      const final = error instanceof PermanentJobError || job.attempt >= job.maxAttempts;
      await this.settle(notification.id, (n) =>
        recordFailure(n, { error: reasonOf(error), final, at: this.clock.now() }),
      );
      this.logger.warn('notification delivery failed', {
        notificationId: notification.id,
        type: notification.type,
        attempt: job.attempt,
        final,
        error: reasonOf(error),
      });
      throw error;
    }
    await this.settle(notification.id, (n) => markSent(n, this.clock.now()));
  }

  /** The message as sent: its secret placeholders replaced (escaped in the HTML part). */
  private async withSecrets(n: Notification): Promise<Notification> {
    const texts = () => [n.subject, n.content, n.html ?? ''];
    if (!texts().some((text) => SECRET_MARK.test(text))) return n;
    const values = (await this.secrets?.resolve(n)) ?? null;
    let { subject, content, html } = n;
    for (const [name, value] of Object.entries(values ?? {})) {
      const mark = secretPlaceholder(name);
      subject = subject.split(mark).join(value);
      content = content.split(mark).join(value);
      if (html !== undefined) html = html.split(mark).join(escapeHtml(value));
    }
    if ([subject, content, html ?? ''].some((text) => SECRET_MARK.test(text))) {
      throw new PermanentJobError('a secret of this message cannot be made any more');
    }
    return { ...n, subject, content, ...(html !== undefined ? { html } : {}) };
  }

  private async send(n: Notification): Promise<void> {
    switch (n.type) {
      case 'email':
        await this.mailer.send({
          to: n.recipient,
          subject: n.subject,
          text: n.content,
          html: n.html ?? '',
          ...(n.metadata.unsubscribeUrl !== undefined
            ? { headers: unsubscribeHeaders(n.metadata.unsubscribeUrl) }
            : {}),
        });
        return;
      case 'sms':
        await this.sms.send({ to: n.recipient, body: n.content });
        return;
      case 'push': {
        if (!n.userId) throw new PermanentJobError('a push message needs a user');
        const subscriptions = await this.subscriptions.listByUser(n.userId);
        if (subscriptions.length === 0) throw new PermanentJobError('the user has no push subscription');
        const message = { title: n.subject, body: n.content };
        const results = await Promise.allSettled(subscriptions.map((s) => this.push.send(s, message)));
        for (const [i, r] of results.entries()) {
          // A subscription the push service says is gone is forgotten; the others still count.
          if (r.status === 'rejected' && r.reason instanceof PermanentJobError) {
            await this.subscriptions.remove(n.userId, subscriptions[i]!.endpoint);
          }
        }
        if (results.some((r) => r.status === 'fulfilled')) return;
        const failures = results.map((r) => (r as PromiseRejectedResult).reason as unknown);
        if (failures.every((f) => f instanceof PermanentJobError)) {
          throw new PermanentJobError(`every push subscription refused: ${reasonOf(failures[0])}`);
        }
        throw new Error(`push failed: ${reasonOf(failures.find((f) => !(f instanceof PermanentJobError)))}`);
      }
    }
  }

  /** Applies a transition to the freshest stored version (guarded write, reloaded on conflict). */
  private async settle(id: string, change: (n: Notification) => Notification | null): Promise<void> {
    for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt += 1) {
      const current = await this.notifications.findById(id);
      const next = current ? change(current) : null;
      if (!next) return;
      const saved = await this.notifications.update(next);
      if (saved.isOk() || saved.error.code !== 'CONFLICT') return;
    }
    throw new Error(`notification ${id}: its status could not be saved (conflicts)`);
  }
}

/**
 * Queues again the deliveries of notifications still pending `resumeAfterMs` after they were
 * created: their job was lost with a process (the in-process queue), or never added (the queue
 * was down). The queue deduplicates by job id, so a job still waiting or retrying is not doubled.
 * A notification whose job is already dead (its failure could not be recorded) is marked failed.
 */
export class ResumePendingNotifications {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly send: SendNotification,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy,
  ) {}

  async execute(): Promise<{ readonly resumed: number; readonly failed: number }> {
    const olderThan = new Date(this.clock.now().getTime() - this.policy.resumeAfterMs);
    const pending = await this.notifications.listPending(olderThan, this.policy.resumeBatch);
    let resumed = 0;
    let failed = 0;
    for (const n of pending) {
      const job = await this.queue.get(NOTIFICATIONS_QUEUE, n.id);
      if (job?.state === 'dead') {
        const next = recordFailure(n, {
          error: job.lastError ?? 'delivery failed',
          final: true,
          at: this.clock.now(),
        });
        if (next && (await this.notifications.update(next)).isOk()) failed += 1;
        continue;
      }
      if (!job) resumed += 1;
      await this.send.enqueue(n);
    }
    return { resumed, failed };
  }
}
