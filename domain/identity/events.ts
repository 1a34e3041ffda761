import { recordEvent, type DomainEvent } from '../shared/events.js';

/** Every fact the identity context records (types follow domain/shared/events.ts's scheme). */
export const IDENTITY_EVENT_TYPES = [
  'identity.user-registered',
  'identity.password-reset-requested',
] as const;

/** An account was created (registration): the welcome message answers it. */
export type UserRegistered = DomainEvent<'identity.user-registered', { readonly userId: string }>;

/**
 * A password reset was asked for an existing, active account. It carries no token: the reset
 * link's secret is derived from the event id with a server key when the message is sent (see
 * application/identity/reset-links.ts), so neither the event outbox nor the stored message holds it.
 */
export type PasswordResetRequested = DomainEvent<
  'identity.password-reset-requested',
  { readonly userId: string }
>;

export type IdentityEvent = UserRegistered | PasswordResetRequested;

/** `changeKey`: unique to the fact (the caller's id generator gives one). */
export function identityEvent<E extends IdentityEvent>(
  type: E['type'],
  userId: string,
  at: Date,
  changeKey: string,
): E {
  return recordEvent<E>({ id: userId, changeKey }, type, { userId } as E['payload'], at);
}
