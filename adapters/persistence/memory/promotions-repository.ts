import type { PromoCodeRepository } from '../../../application/promotions/ports.js';
import { normalizeCode, type PromoCode } from '../../../domain/promotions/promo-code.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import type { MemoryDatabase } from './memory-database.js';

interface Redemption {
  readonly code: string;
  readonly orderId: string;
  readonly userId: string;
  readonly at: Date;
  readonly confirmed?: boolean;
}

const key = (code: string, orderId: string) => `${code}:${orderId}`;

/** Promo codes by id and redemptions by (code, orderId); every method is await-free, so atomic. */
export class MemoryPromoCodeRepository implements PromoCodeRepository {
  private readonly promos: Map<string, PromoCode>;
  private readonly redemptions: Map<string, Redemption>;

  constructor(db: MemoryDatabase) {
    this.promos = db.collection<PromoCode>('promo_codes');
    this.redemptions = db.collection<Redemption>('promo_redemptions');
  }

  private byCode(code: string): PromoCode | undefined {
    const wanted = normalizeCode(code);
    for (const p of this.promos.values()) if (p.code === wanted) return p;
    return undefined;
  }

  async create(promo: PromoCode): Promise<Result<PromoCode, DomainError>> {
    if (this.byCode(promo.code))
      return Err(domainError('PROMO_CODE_TAKEN', 'This promo code already exists'));
    if (this.promos.has(promo.id)) return Err(domainError('CONFLICT', 'Promo id exists', { field: 'id' }));
    const stored = { ...promo, version: 1 };
    this.promos.set(promo.id, stored);
    return Ok(stored);
  }

  async update(promo: PromoCode): Promise<Result<PromoCode, DomainError>> {
    const current = this.promos.get(promo.id);
    if (!current) return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
    if (current.version !== promo.version)
      return Err(domainError('CONFLICT', 'The promo code was changed meanwhile'));
    const other = this.byCode(promo.code);
    if (other && other.id !== promo.id) {
      return Err(domainError('PROMO_CODE_TAKEN', 'This promo code already exists'));
    }
    const stored = { ...promo, usedCount: current.usedCount, version: current.version + 1 };
    this.promos.set(promo.id, stored);
    return Ok(stored);
  }

  async findById(id: string): Promise<PromoCode | null> {
    return this.promos.get(id) ?? null;
  }

  async findByCode(code: string): Promise<PromoCode | null> {
    return this.byCode(code) ?? null;
  }

  async list(): Promise<PromoCode[]> {
    return [...this.promos.values()].sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
    );
  }

  async redeem(
    code: string,
    userId: string,
    orderId: string,
    at: Date,
  ): Promise<Result<PromoCode, DomainError>> {
    const promo = this.byCode(code);
    if (!promo) return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
    if (this.redemptions.has(key(promo.code, orderId))) return Ok(promo);
    if (promo.usageLimit !== undefined && promo.usedCount >= promo.usageLimit) {
      return Err(domainError('PROMO_EXHAUSTED', 'This promo code has reached its usage limit'));
    }
    if (this.countUser(promo.code, userId) >= promo.perUserLimit) {
      return Err(domainError('PROMO_ALREADY_USED', 'You have already used this promo code'));
    }
    this.redemptions.set(key(promo.code, orderId), { code: promo.code, orderId, userId, at });
    const next = { ...promo, usedCount: promo.usedCount + 1 };
    this.promos.set(promo.id, next);
    return Ok(next);
  }

  async release(code: string, orderId: string): Promise<boolean> {
    const upper = normalizeCode(code);
    if (!this.redemptions.delete(key(upper, orderId))) return false;
    const promo = this.byCode(upper);
    if (promo) this.promos.set(promo.id, { ...promo, usedCount: Math.max(0, promo.usedCount - 1) });
    return true;
  }

  async redeemedFor(orderId: string): Promise<string[]> {
    return [...this.redemptions.values()].filter((r) => r.orderId === orderId).map((r) => r.code);
  }

  async userRedemptions(code: string, userId: string): Promise<number> {
    return this.countUser(normalizeCode(code), userId);
  }

  private countUser(code: string, userId: string): number {
    let n = 0;
    for (const r of this.redemptions.values()) if (r.code === code && r.userId === userId) n++;
    return n;
  }

  async unconfirmedRedemptions(before: Date, limit: number): Promise<{ code: string; orderId: string }[]> {
    return [...this.redemptions.values()]
      .filter((r) => !r.confirmed && r.at.getTime() <= before.getTime())
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(0, Math.max(0, limit))
      .map((r) => ({ code: r.code, orderId: r.orderId }));
  }

  async confirmRedemptions(orderId: string): Promise<void> {
    for (const [k, r] of this.redemptions) {
      if (r.orderId === orderId) this.redemptions.set(k, { ...r, confirmed: true });
    }
  }
}
