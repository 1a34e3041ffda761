import type { IdentitySettings, PasswordResetStore, SecretDigest, UserRepository } from './ports.js';
import type { Clock } from '../shared/ports.js';

/**
 * The reset link of one password reset request, derived from the request's event id with a
 * server key (`resetLinkKey`): the same request always gives the same link, on any instance that
 * shares the key, and no one without the key can make it from the event. So the token is never
 * written: not in the event outbox (the event holds the user id only), not in the stored message
 * (its `resetUrl` is a secret variable, filled in when the mail is sent); only its digest is
 * stored, in the PasswordResetStore, by IssuePasswordReset.
 */
export class ResetLinks {
  constructor(
    private readonly digest: SecretDigest,
    private readonly settings: Pick<IdentitySettings, 'frontendUrl' | 'resetLinkKey'>,
  ) {}

  tokenFor(eventId: string): string {
    return this.digest.digest(`${this.settings.resetLinkKey}\u0000password-reset\u0000${eventId}`);
  }

  linkFor(eventId: string): string {
    return `${this.settings.frontendUrl}/reset-password/${this.tokenFor(eventId)}`;
  }
}

/**
 * Makes the link of a reset request usable: stores the digest of its token for the user (which
 * replaces the user's previous one: the newest request's link is the one that works) until the
 * TTL. Repeating it for the same request stores the same digest again. Answers the user's name
 * and how long the link lasts, or null for an account gone or deactivated since.
 */
export class IssuePasswordReset {
  constructor(
    private readonly users: UserRepository,
    private readonly resets: PasswordResetStore,
    private readonly digest: SecretDigest,
    private readonly links: ResetLinks,
    private readonly clock: Clock,
    private readonly settings: Pick<IdentitySettings, 'resetTokenTtlMs'>,
  ) {}

  async execute(input: {
    readonly eventId: string;
    readonly userId: string;
  }): Promise<{ readonly fullName: string; readonly validMinutes: number } | null> {
    const user = await this.users.findById(input.userId);
    if (!user || !user.isActive) return null;
    const expiresAt = new Date(this.clock.now().getTime() + this.settings.resetTokenTtlMs);
    await this.resets.save(this.digest.digest(this.links.tokenFor(input.eventId)), user.id, expiresAt);
    return { fullName: user.fullName, validMinutes: Math.round(this.settings.resetTokenTtlMs / 60_000) };
  }
}
