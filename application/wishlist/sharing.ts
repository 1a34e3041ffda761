import type { Product } from '../../domain/catalog/product.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import {
  firstNameOf,
  isShareLive,
  SHARE_DEFAULT_DAYS,
  SHARE_MAX_LIVE_PER_USER,
  shareStatus,
  type WishlistShare,
} from '../../domain/wishlist/share.js';
import type { ProductRepository } from '../catalog/index.js';
import type { SecretDigest, UserRepository } from '../identity/index.js';
import { isEntityId } from '../shared/ids.js';
import type { Clock, IdGenerator, RandomSource } from '../shared/ports.js';
import type { WishlistRepository, WishlistSettings, WishlistShareStore } from './ports.js';

/** 32 random bytes (256 bits) as 64 hex characters: the link's secret. */
export const SHARE_TOKEN_BYTES = 32;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The owner's list shows this many links at most, newest first. */
const LIST_LIMIT = 50;
const SHARE_TOKEN_PATTERN = /^[0-9a-f]{64}$/;

function shareNotFound(): DomainError {
  return domainError('SHARE_NOT_FOUND', 'Shared wishlist not found');
}

export interface ShareLinkView {
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly status: 'active' | 'revoked' | 'expired';
  readonly revokedAt?: Date;
}

function linkView(share: WishlistShare, now: Date): ShareLinkView {
  return {
    id: share.id,
    createdAt: share.createdAt,
    expiresAt: share.expiresAt,
    status: shareStatus(share, now),
    ...(share.revokedAt !== undefined ? { revokedAt: share.revokedAt } : {}),
  };
}

/** POST /wishlist/share: a new link; the token is answered once and only its digest is kept. */
export class CreateWishlistShare {
  constructor(
    private readonly shares: WishlistShareStore,
    private readonly digest: SecretDigest,
    private readonly random: RandomSource,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly settings: WishlistSettings,
  ) {}

  async execute(input: {
    userId: string;
    expiresInDays?: number;
  }): Promise<Result<ShareLinkView & { token: string; url: string }, DomainError>> {
    const now = this.clock.now();
    const mine = await this.shares.listByUser(input.userId, LIST_LIMIT);
    if (mine.filter((s) => isShareLive(s, now)).length >= SHARE_MAX_LIVE_PER_USER) {
      return Err(
        domainError('TOO_MANY_SHARE_LINKS', 'Too many active share links: revoke one first', {
          limit: SHARE_MAX_LIVE_PER_USER,
        }),
      );
    }
    const token = this.random.hex(SHARE_TOKEN_BYTES);
    const share: WishlistShare = {
      id: this.ids.next(),
      userId: input.userId,
      tokenHash: this.digest.digest(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + (input.expiresInDays ?? SHARE_DEFAULT_DAYS) * DAY_MS),
    };
    await this.shares.create(share);
    return Ok({
      ...linkView(share, now),
      token,
      url: `${this.settings.publicUrl.replace(/\/+$/, '')}/api/wishlist/shared/${token}`,
    });
  }
}

/** GET /wishlist/share: the owner's links (never their tokens: only digests are kept). */
export class ListWishlistShares {
  constructor(
    private readonly shares: WishlistShareStore,
    private readonly clock: Clock,
  ) {}

  async execute(input: { userId: string }): Promise<Result<ShareLinkView[], DomainError>> {
    const now = this.clock.now();
    return Ok((await this.shares.listByUser(input.userId, LIST_LIMIT)).map((s) => linkView(s, now)));
  }
}

/**
 * DELETE /wishlist/share/:token: the owner revokes a link by its token, or by its id (as the list
 * shows it). Another user's link, or an unknown one, is not found. Revoking twice is harmless.
 */
export class RevokeWishlistShare {
  constructor(
    private readonly shares: WishlistShareStore,
    private readonly digest: SecretDigest,
    private readonly clock: Clock,
  ) {}

  async execute(input: { userId: string; tokenOrId: string }): Promise<Result<ShareLinkView, DomainError>> {
    let shareId = input.tokenOrId;
    if (SHARE_TOKEN_PATTERN.test(input.tokenOrId)) {
      const share = await this.shares.findByTokenHash(this.digest.digest(input.tokenOrId));
      if (!share || share.userId !== input.userId) return Err(shareNotFound());
      shareId = share.id;
    } else if (!isEntityId(input.tokenOrId)) {
      return Err(shareNotFound());
    }
    const now = this.clock.now();
    const revoked = await this.shares.revoke(input.userId, shareId, now);
    return revoked ? Ok(linkView(revoked, now)) : Err(shareNotFound());
  }
}

export interface SharedWishlistView {
  /** The owner's first name: the only thing said about them. */
  readonly ownerFirstName: string;
  readonly products: Product[];
  readonly expiresAt: Date;
}

/**
 * GET /wishlist/shared/:token (public): the wishlist's products and the owner's first name, while
 * the link is live. Revoked, expired, unknown links, and those of a deactivated or deleted
 * account, all answer SHARE_NOT_FOUND.
 */
export class ViewSharedWishlist {
  constructor(
    private readonly shares: WishlistShareStore,
    private readonly wishlist: WishlistRepository,
    private readonly products: ProductRepository,
    private readonly users: UserRepository,
    private readonly digest: SecretDigest,
    private readonly clock: Clock,
  ) {}

  async execute(input: { token: string }): Promise<Result<SharedWishlistView, DomainError>> {
    if (!SHARE_TOKEN_PATTERN.test(input.token)) return Err(shareNotFound());
    const share = await this.shares.findByTokenHash(this.digest.digest(input.token));
    if (!share || !isShareLive(share, this.clock.now())) return Err(shareNotFound());
    const owner = await this.users.findById(share.userId);
    if (!owner || !owner.isActive) return Err(shareNotFound());
    const ids = await this.wishlist.get(share.userId);
    return Ok({
      ownerFirstName: firstNameOf(owner.fullName),
      products: ids.length === 0 ? [] : await this.products.findByIds(ids),
      expiresAt: share.expiresAt,
    });
  }
}
