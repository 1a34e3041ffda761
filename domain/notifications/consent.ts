import type { NotificationCategory, NotificationType } from './notification.js';

/**
 * Which of a user's preferences a message needs (pure). The rules, documented in the README:
 *
 * - marketing (a marketing template, every bulk send): email needs `newsletter` and
 *   `emailNotifications` on; SMS needs `smsNotifications` on; push needs `newsletter` on (the
 *   browser's own permission is the rest of the consent).
 * - transactional (password reset, order updates): email always goes (it answers something the
 *   user did: turning `emailNotifications` off stops non-essential mail only); SMS only with
 *   `smsNotifications` on; push always (the user subscribed that browser for it).
 */
export interface ConsentPreferences {
  readonly emailNotifications: boolean;
  readonly smsNotifications: boolean;
  readonly newsletter: boolean;
}

/** The preferences a one-click unsubscribe may turn off. */
export const UNSUBSCRIBE_TOPICS = ['newsletter', 'emailNotifications', 'smsNotifications'] as const;
export type UnsubscribeTopic = (typeof UNSUBSCRIBE_TOPICS)[number];

export function isUnsubscribeTopic(value: string): value is UnsubscribeTopic {
  return (UNSUBSCRIBE_TOPICS as readonly string[]).includes(value);
}

/** The preferences that must all be on for this message (empty: it always goes). */
export function requiredPreferences(
  channel: NotificationType,
  category: NotificationCategory,
): readonly UnsubscribeTopic[] {
  if (category === 'marketing') {
    switch (channel) {
      case 'email':
        return ['newsletter', 'emailNotifications'];
      case 'sms':
        return ['smsNotifications'];
      case 'push':
        return ['newsletter'];
    }
  }
  return channel === 'sms' ? ['smsNotifications'] : [];
}

export function consents(
  preferences: ConsentPreferences,
  channel: NotificationType,
  category: NotificationCategory,
): boolean {
  return requiredPreferences(channel, category).every((p) => preferences[p]);
}

/**
 * What a one-click unsubscribe from this message turns off: the first preference it needs
 * (`newsletter` for marketing mail), or none for a message that always goes.
 */
export function unsubscribeTopicFor(
  channel: NotificationType,
  category: NotificationCategory,
): UnsubscribeTopic | undefined {
  return requiredPreferences(channel, category)[0];
}
