import {
  NOTIFICATION_REPOSITORY,
  type NotificationRepository,
} from '../../application/notifications/ports.js';
import type { Application } from '../../bootstrap/app.js';
import { BACKGROUND_TASKS } from '../../application/identity/ports.js';
import { EventDispatcher } from '../../application/shared/event-dispatcher.js';
import type { InProcessBackgroundTasks } from '../../adapters/system/background-tasks.js';
import { SendSafeguards } from '../../application/notifications/safeguards.js';
import { MemoryRecipientRateLimit } from '../../adapters/cache/memory-recipient-rate-limit.js';
import { HmacUnsubscribeTokens } from '../../adapters/security/hmac-unsubscribe-tokens.js';

/**
 * Waits until no notification of the app's store is pending any more (each sent or failed by
 * the in-process workers): what a test checks in the mail outbox is then final.
 */
export async function notificationsSettled(t: Pick<Application, 'container'>): Promise<void> {
  const store = t.container.get<NotificationRepository>(NOTIFICATION_REPOSITORY);
  for (;;) {
    if ((await store.listPending(new Date(8.64e15), 1)).length === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Waits for every mail a request started: background tasks (forgot password), the event
 * handlers they and the request triggered, then the notification workers.
 */
export async function mailSettled(t: Pick<Application, 'container'>): Promise<void> {
  await t.container.get<InProcessBackgroundTasks>(BACKGROUND_TASKS).drain();
  await t.container.get(EventDispatcher).drain();
  await notificationsSettled(t);
}

/** Send safeguards for tests: budgets too large to matter, a fixed unsubscribe key. */
export function testSafeguards(): SendSafeguards {
  return new SendSafeguards(
    new MemoryRecipientRateLimit(),
    { max: 1000, transactionalMax: 1000, windowMs: 3600_000 },
    new HmacUnsubscribeTokens('x'.repeat(32)),
    { publicUrl: 'http://api.test' },
  );
}
