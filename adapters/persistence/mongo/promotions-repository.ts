import { openCollection } from './open-collection.js';
import { Schema, type Connection, type Model } from 'mongoose';
import type { PromoCodeRepository } from '../../../application/promotions/ports.js';
import {
  normalizeCode,
  type MembershipTier,
  type PromoCode,
  type PromoType,
} from '../../../domain/promotions/promo-code.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { DocumentLock, type DocumentLockOptions } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

interface PromoDocument {
  _id: string;
  code: string;
  description?: string;
  type: string;
  value: number;
  minOrderAmount: number;
  maxDiscount?: number;
  usageLimit?: number;
  usedCount: number;
  perUserLimit: number;
  validFrom?: Date;
  validUntil?: Date;
  applicableCategories: string[];
  firstOrderOnly: boolean;
  membershipTiers: string[];
  isActive: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

interface RedemptionDocument {
  /** `${code}:${orderId}`: one redemption per code and order. */
  _id: string;
  code: string;
  orderId: string;
  userId: string;
  at: Date;
  /** Set once the redemption's order was seen stored (ReleaseAbandonedRedemptions). */
  confirmed?: boolean;
}

const PROMO_SCHEMA = new Schema<PromoDocument>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    description: String,
    type: { type: String, required: true },
    value: { type: Number, required: true },
    minOrderAmount: { type: Number, required: true },
    maxDiscount: Number,
    usageLimit: Number,
    usedCount: { type: Number, required: true },
    perUserLimit: { type: Number, required: true },
    validFrom: Date,
    validUntil: Date,
    applicableCategories: { type: [String], default: [] },
    firstOrderOnly: { type: Boolean, default: false },
    membershipTiers: { type: [String], default: [] },
    isActive: { type: Boolean, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'promo_codes', versionKey: false, id: false },
);
PROMO_SCHEMA.index({ code: 1 }, { unique: true, name: 'promo_code_unique' });

const REDEMPTION_SCHEMA = new Schema<RedemptionDocument>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    orderId: { type: String, required: true },
    userId: { type: String, required: true },
    at: { type: Date, required: true },
    confirmed: Boolean,
  },
  { collection: 'promo_redemptions', versionKey: false, id: false },
);
REDEMPTION_SCHEMA.index({ code: 1, userId: 1 }, { name: 'promo_redemption_user' });
REDEMPTION_SCHEMA.index({ orderId: 1 }, { name: 'promo_redemption_order' });
REDEMPTION_SCHEMA.index({ confirmed: 1, at: 1 }, { name: 'promo_redemption_unconfirmed' });

function models(connection: Connection) {
  return {
    promos: (connection.models.PromoCode ??
      connection.model('PromoCode', PROMO_SCHEMA)) as unknown as Model<PromoDocument>,
    redemptions: (connection.models.PromoRedemption ??
      connection.model('PromoRedemption', REDEMPTION_SCHEMA)) as unknown as Model<RedemptionDocument>,
  };
}

function toDocument(p: PromoCode): PromoDocument {
  return {
    _id: p.id,
    code: p.code,
    ...(p.description !== undefined ? { description: p.description } : {}),
    type: p.type,
    value: p.value,
    minOrderAmount: p.minOrderAmount,
    ...(p.maxDiscount !== undefined ? { maxDiscount: p.maxDiscount } : {}),
    ...(p.usageLimit !== undefined ? { usageLimit: p.usageLimit } : {}),
    usedCount: p.usedCount,
    perUserLimit: p.perUserLimit,
    ...(p.validFrom ? { validFrom: p.validFrom } : {}),
    ...(p.validUntil ? { validUntil: p.validUntil } : {}),
    applicableCategories: [...p.applicableCategories],
    firstOrderOnly: p.firstOrderOnly,
    membershipTiers: [...p.membershipTiers],
    isActive: p.isActive,
    createdBy: p.createdBy,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    version: p.version,
  };
}

function toDomain(d: PromoDocument): PromoCode {
  return {
    id: d._id,
    code: d.code,
    ...(d.description != null ? { description: d.description } : {}),
    type: d.type as PromoType,
    value: d.value,
    minOrderAmount: d.minOrderAmount,
    ...(d.maxDiscount != null ? { maxDiscount: d.maxDiscount } : {}),
    ...(d.usageLimit != null ? { usageLimit: d.usageLimit } : {}),
    usedCount: d.usedCount,
    perUserLimit: d.perUserLimit,
    ...(d.validFrom ? { validFrom: new Date(d.validFrom) } : {}),
    ...(d.validUntil ? { validUntil: new Date(d.validUntil) } : {}),
    applicableCategories: [...(d.applicableCategories ?? [])],
    firstOrderOnly: d.firstOrderOnly ?? false,
    membershipTiers: [...(d.membershipTiers ?? [])] as MembershipTier[],
    isActive: d.isActive,
    createdBy: d.createdBy,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    version: d.version,
  };
}

const taken = () => domainError('PROMO_CODE_TAKEN', 'This promo code already exists');

/**
 * Promo codes and their redemptions (one document per (code, orderId), `_id` unique). Every
 * read-check-write on a promo (update, redeem, release) runs under the promo's DocumentLock in
 * `always` mode: redeem checks usedCount and the user's redemptions together, which no single
 * guarded update can express, and FerretDB would otherwise lose concurrent writes.
 */
export class MongoPromoCodeRepository implements PromoCodeRepository {
  private readonly promos: Model<PromoDocument>;
  private readonly redemptions: Model<RedemptionDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection, lockOptions: DocumentLockOptions = {}) {
    ({ promos: this.promos, redemptions: this.redemptions } = models(connection));
    this.locks = new DocumentLock(connection, { mode: 'always', waitMs: 30_000, ...lockOptions });
  }

  private lockKey(id: string): string {
    return `promo_codes:${id}`;
  }

  async create(promo: PromoCode): Promise<Result<PromoCode, DomainError>> {
    if (await this.promos.collection.findOne({ code: promo.code } as never)) return Err(taken());
    const stored = { ...promo, version: 1 };
    try {
      await this.promos.collection.insertOne(toDocument(stored) as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (await this.promos.collection.findOne({ _id: promo.id } as never)) {
        return Err(domainError('CONFLICT', 'Promo id exists', { field: 'id' }));
      }
      return Err(taken());
    }
    return Ok(stored);
  }

  async update(promo: PromoCode): Promise<Result<PromoCode, DomainError>> {
    return this.locks.exclusive(this.lockKey(promo.id), async () => {
      const current = await this.findById(promo.id);
      if (!current) return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
      if (current.version !== promo.version) {
        return Err(domainError('CONFLICT', 'The promo code was changed meanwhile'));
      }
      const other = await this.findByCode(promo.code);
      if (other && other.id !== promo.id) return Err(taken());
      const stored = { ...promo, usedCount: current.usedCount, version: current.version + 1 };
      const { _id, usedCount: _used, ...fields } = toDocument(stored);
      const unset: Record<string, ''> = {};
      for (const f of ['description', 'maxDiscount', 'usageLimit', 'validFrom', 'validUntil'] as const) {
        if (!(f in fields)) unset[f] = '';
      }
      try {
        const r = await this.promos.collection.updateOne(
          { _id, version: promo.version } as never,
          {
            $set: fields,
            ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
          } as never,
        );
        if (r.matchedCount !== 1) return Err(domainError('CONFLICT', 'The promo code was changed meanwhile'));
      } catch (error) {
        if (isDuplicateKey(error)) return Err(taken());
        throw error;
      }
      return Ok(stored);
    });
  }

  async findById(id: string): Promise<PromoCode | null> {
    const d = await this.promos.collection.findOne({ _id: id } as never);
    return d ? toDomain(d as unknown as PromoDocument) : null;
  }

  async findByCode(code: string): Promise<PromoCode | null> {
    const d = await this.promos.collection.findOne({ code: normalizeCode(code) } as never);
    return d ? toDomain(d as unknown as PromoDocument) : null;
  }

  async list(): Promise<PromoCode[]> {
    const docs = await openCollection(this.promos).find({}).sort({ createdAt: -1, _id: -1 }).toArray();
    return docs.map((d) => toDomain(d as unknown as PromoDocument));
  }

  async redeem(
    code: string,
    userId: string,
    orderId: string,
    at: Date,
  ): Promise<Result<PromoCode, DomainError>> {
    const found = await this.findByCode(code);
    if (!found) return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
    return this.locks.exclusive(this.lockKey(found.id), async () => {
      const promo = await this.findById(found.id);
      if (!promo) return Err(domainError('PROMO_NOT_FOUND', 'Promo code not found'));
      const id = `${promo.code}:${orderId}`;
      if (await this.redemptions.collection.findOne({ _id: id } as never)) return Ok(promo);
      if (promo.usageLimit !== undefined && promo.usedCount >= promo.usageLimit) {
        return Err(domainError('PROMO_EXHAUSTED', 'This promo code has reached its usage limit'));
      }
      if ((await this.userRedemptions(promo.code, userId)) >= promo.perUserLimit) {
        return Err(domainError('PROMO_ALREADY_USED', 'You have already used this promo code'));
      }
      try {
        await this.redemptions.collection.insertOne({
          _id: id,
          code: promo.code,
          orderId,
          userId,
          at,
        } as never);
      } catch (error) {
        if (isDuplicateKey(error)) return Ok(promo);
        throw error;
      }
      await this.promos.collection.updateOne({ _id: promo.id } as never, { $inc: { usedCount: 1 } });
      return Ok({ ...promo, usedCount: promo.usedCount + 1 });
    });
  }

  async release(code: string, orderId: string): Promise<boolean> {
    const found = await this.findByCode(code);
    const upper = normalizeCode(code);
    const run = async () => {
      const r = await this.redemptions.collection.deleteOne({ _id: `${upper}:${orderId}` } as never);
      if (r.deletedCount !== 1) return false;
      if (found) {
        await this.promos.collection.updateOne({ _id: found.id, usedCount: { $gt: 0 } } as never, {
          $inc: { usedCount: -1 },
        });
      }
      return true;
    };
    return found ? this.locks.exclusive(this.lockKey(found.id), run) : run();
  }

  async redeemedFor(orderId: string): Promise<string[]> {
    const docs = await openCollection(this.redemptions)
      .find({ orderId } as never)
      .toArray();
    return docs.map((d) => (d as unknown as RedemptionDocument).code);
  }

  async userRedemptions(code: string, userId: string): Promise<number> {
    return this.redemptions.collection.countDocuments({ code: normalizeCode(code), userId } as never);
  }

  async unconfirmedRedemptions(before: Date, limit: number): Promise<{ code: string; orderId: string }[]> {
    if (limit < 1) return [];
    const docs = await openCollection(this.redemptions)
      .find({ at: { $lte: before }, confirmed: { $ne: true } } as never)
      .sort({ at: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => {
      const r = d as unknown as RedemptionDocument;
      return { code: r.code, orderId: r.orderId };
    });
  }

  async confirmRedemptions(orderId: string): Promise<void> {
    await this.redemptions.collection.updateMany({ orderId } as never, { $set: { confirmed: true } });
  }
}
