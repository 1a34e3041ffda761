/**
 * A shareable read-only link to a wishlist. The token itself is never stored: only its digest,
 * so a leaked database does not leak working links. A link answers while it is neither revoked
 * nor expired.
 */
export interface WishlistShare {
  readonly id: string;
  readonly userId: string;
  /** One-way digest of the token (the link's secret). */
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt?: Date;
}

export const SHARE_DEFAULT_DAYS = 30;
export const SHARE_MAX_DAYS = 365;
/** Live links one user may hold at once (older ones must be revoked or expire first). */
export const SHARE_MAX_LIVE_PER_USER = 20;

export function isShareLive(share: WishlistShare, now: Date): boolean {
  return share.revokedAt === undefined && share.expiresAt.getTime() > now.getTime();
}

export function shareStatus(share: WishlistShare, now: Date): 'active' | 'revoked' | 'expired' {
  if (share.revokedAt !== undefined) return 'revoked';
  return share.expiresAt.getTime() > now.getTime() ? 'active' : 'expired';
}

/** The first word of a full name, at most 50 characters: all a shared wishlist says of its owner. */
export function firstNameOf(fullName: string): string {
  const first = fullName.trim().split(/\s+/)[0] ?? '';
  return first.slice(0, 50);
}
