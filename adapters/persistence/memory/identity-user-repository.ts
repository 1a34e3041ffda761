import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { normalizeEmail, withStanding, type User } from '../../../domain/identity/user.js';
import type { LoyaltyStanding } from '../../../domain/loyalty/points.js';
import type { UserRepository, UserSegment } from '../../../application/identity/ports.js';
import type { MemoryDatabase } from './memory-database.js';

export const USERS_COLLECTION = 'users';

function inSegment(user: User, segment: UserSegment): boolean {
  if (!user.isActive) return false;
  switch (segment.kind) {
    case 'all':
      return true;
    case 'preference':
      return user.preferences[segment.preference];
    case 'tier':
      return user.membershipTier === segment.tier;
    case 'users':
      return segment.ids.includes(user.id);
  }
}

const emailTaken = (): DomainError => domainError('EMAIL_TAKEN', 'User already exists with this email');

/**
 * Users over the shared 'users' collection. The wishlist context changes `favorites` in the same
 * records through its own adapter, so `update` never writes `favorites`: it keeps the stored list.
 * Every method checks and writes without awaiting in between (atomic on one thread).
 */
export class MemoryUserRepository implements UserRepository {
  private readonly users: Map<string, User>;

  constructor(db: MemoryDatabase) {
    this.users = db.collection<User>(USERS_COLLECTION);
  }

  private emailOwner(email: string): User | undefined {
    for (const user of this.users.values()) if (user.email === email) return user;
    return undefined;
  }

  async findById(id: string): Promise<User | null> {
    return this.users.get(id) ?? null;
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.emailOwner(normalizeEmail(email)) ?? null;
  }

  async create(user: User): Promise<Result<User, DomainError>> {
    const email = normalizeEmail(user.email);
    if (this.emailOwner(email)) return Err(emailTaken());
    if (this.users.has(user.id)) return Err(domainError('CONFLICT', 'A user with this id already exists'));
    const stored: User = { ...user, email };
    this.users.set(stored.id, stored);
    return Ok(stored);
  }

  async update(user: User): Promise<Result<User, DomainError>> {
    const stored = this.users.get(user.id);
    if (!stored) return Err(domainError('NOT_FOUND', 'User not found'));
    if (stored.version !== user.version) {
      return Err(domainError('CONFLICT', 'The account was changed meanwhile, please retry'));
    }
    const email = normalizeEmail(user.email);
    const owner = this.emailOwner(email);
    if (owner && owner.id !== user.id) return Err(emailTaken());
    // Loyalty (the ledger's mirror) and lastActiveAt have their own writes: keep the stored ones.
    const { lastActiveAt: _a, ...rest } = user;
    const saved: User = {
      ...rest,
      email,
      favorites: stored.favorites,
      loyaltyPoints: stored.loyaltyPoints,
      lifetimePoints: stored.lifetimePoints,
      membershipTier: stored.membershipTier,
      loyaltySeq: stored.loyaltySeq,
      ...(stored.lastActiveAt ? { lastActiveAt: stored.lastActiveAt } : {}),
      version: stored.version + 1,
    };
    this.users.set(saved.id, saved);
    return Ok(saved);
  }

  async syncLoyalty(userId: string, standing: LoyaltyStanding): Promise<boolean> {
    const stored = this.users.get(userId);
    if (!stored || stored.loyaltySeq >= standing.seq) return false;
    this.users.set(userId, { ...stored, ...withStanding(standing) });
    return true;
  }

  async touchActivity(userId: string, at: Date, notBefore: Date): Promise<boolean> {
    const stored = this.users.get(userId);
    if (!stored || (stored.lastActiveAt && stored.lastActiveAt.getTime() > notBefore.getTime())) return false;
    this.users.set(userId, { ...stored, lastActiveAt: at });
    return true;
  }

  async pageBySegment(segment: UserSegment, afterId: string | undefined, limit: number): Promise<User[]> {
    return [...this.users.values()]
      .filter((u) => inSegment(u, segment) && (afterId === undefined || u.id > afterId))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  async countBySegment(segment: UserSegment): Promise<number> {
    let n = 0;
    for (const u of this.users.values()) if (inSegment(u, segment)) n += 1;
    return n;
  }

  async delete(id: string): Promise<void> {
    this.users.delete(id);
  }

  async count(filter: { role?: User['role']; isActive?: boolean } = {}): Promise<number> {
    let n = 0;
    for (const u of this.users.values()) {
      if (filter.role !== undefined && u.role !== filter.role) continue;
      if (filter.isActive !== undefined && u.isActive !== filter.isActive) continue;
      n += 1;
    }
    return n;
  }
}
