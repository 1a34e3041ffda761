import {
  NOTIFICATION_REPOSITORY,
  type NotificationRepository,
} from '../../application/notifications/ports.js';
import type { Application } from '../../bootstrap/app.js';

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
