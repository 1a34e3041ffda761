import { Schema, type Connection, type Model } from 'mongoose';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import {
  DEFAULT_PREFERENCES,
  normalizeEmail,
  ROLES,
  PLATFORMS,
  withStanding,
  type Address,
  type DeviceInfo,
  type MfaState,
  type SearchEntry,
  type User,
} from '../../../domain/identity/user.js';
import { OCCASIONS, type Occasion } from '../../../domain/catalog/product.js';
import { TIER_THRESHOLDS, type LoyaltyStanding } from '../../../domain/loyalty/points.js';
import type { UserRepository, UserSegment } from '../../../application/identity/ports.js';
import type { PiiCipher } from '../../../application/shared/pii.js';
import { sealDocument } from './pii-fields.js';
import { openCollection } from './open-collection.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

export const USERS_COLLECTION = 'users';

/** A stored user. Older documents may lack fields; the mapper defaults them. */
export interface UserDocument {
  _id: string;
  fullName: string;
  email: string;
  passwordHash: string;
  phone?: string;
  /** Blind index of the phone (PiiCipher.blindIndex): equality look-ups without the number. */
  phoneIndex?: string;
  birthday?: string;
  avatar?: string | null;
  role?: User['role'];
  addresses?: Array<Omit<Address, 'id'> & { id?: string; _id?: unknown }>;
  favorites?: string[];
  preferences?: Partial<User['preferences']>;
  isActive?: boolean;
  lastLogin?: Date;
  loyaltyPoints?: number;
  lifetimePoints?: number;
  /** A copy of the tier the lifetime points give (for queries by tier); reads recompute it. */
  membershipTier?: string;
  loyaltySeq?: number;
  searchHistory?: SearchEntry[];
  lastActiveAt?: Date;
  deviceInfo?: DeviceInfo[];
  passwordChangedAt?: Date;
  /** Multi-factor state (mfaDocument): the secrets are the fields the PII encryption covers. */
  mfa?: MfaState;
  createdAt: Date;
  updatedAt?: Date;
  version?: number;
}

const AddressSchema = new Schema(
  {
    id: { type: String, required: true },
    type: { type: String, required: true },
    street: String,
    city: String,
    state: String,
    zipCode: String,
    country: String,
    isDefault: Boolean,
  },
  { _id: false },
);

export const USER_SCHEMA = new Schema<UserDocument>(
  {
    _id: { type: String, required: true },
    fullName: { type: String, required: true },
    email: { type: String, required: true },
    passwordHash: { type: String, required: true },
    phone: String,
    phoneIndex: String,
    birthday: String,
    avatar: { type: String, default: null },
    role: { type: String, default: 'user' },
    addresses: { type: [AddressSchema], default: [] },
    favorites: { type: [String], default: [] },
    preferences: {
      emailNotifications: Boolean,
      smsNotifications: Boolean,
      newsletter: Boolean,
      favoriteOccasions: { type: [String], default: undefined },
      priceRange: { type: Schema.Types.Mixed, default: undefined },
    },
    isActive: { type: Boolean, default: true },
    lastLogin: Date,
    loyaltyPoints: Number,
    lifetimePoints: Number,
    membershipTier: String,
    loyaltySeq: Number,
    searchHistory: { type: [{ _id: false, query: String, timestamp: Date }], default: undefined },
    lastActiveAt: Date,
    deviceInfo: {
      type: [{ _id: false, deviceId: String, lastUsed: Date, platform: String }],
      default: undefined,
    },
    passwordChangedAt: Date,
    mfa: {
      type: {
        _id: false,
        enabled: Boolean,
        secret: String,
        pendingSecret: String,
        recoveryCodeHashes: [String],
        lastUsedStep: Number,
        enabledAt: Date,
      },
      default: undefined,
    },
    createdAt: { type: Date, required: true },
    updatedAt: Date,
    version: { type: Number, default: 0 },
  },
  { versionKey: false, collection: USERS_COLLECTION, minimize: false, id: false },
);
// Emails are stored lowercased, so a plain unique index is a case-insensitive one.
USER_SCHEMA.index({ email: 1 }, { unique: true });
USER_SCHEMA.index({ role: 1, isActive: 1 });
USER_SCHEMA.index({ membershipTier: 1 });
USER_SCHEMA.index({ phoneIndex: 1 }, { sparse: true });
// Partial (MongoDB): admin look-ups (start-up, CLI) touch a handful of documents, not every shopper.
USER_SCHEMA.index(
  { email: 1, role: 1 },
  { name: 'admins_partial', partialFilterExpression: { role: 'admin' } },
);

/**
 * A segment as a query. Stored documents may lack a preference (the default applies: mail and
 * newsletter on, SMS off) or the loyalty fields (bronze); the tier follows the lifetime points, as
 * reads recompute it (domain/loyalty/points.ts).
 */
function segmentFilter(segment: UserSegment): Record<string, unknown> {
  const active = { isActive: { $ne: false } };
  switch (segment.kind) {
    case 'all':
      return active;
    case 'preference': {
      const field = `preferences.${segment.preference}`;
      return DEFAULT_PREFERENCES[segment.preference]
        ? { ...active, [field]: { $ne: false } }
        : { ...active, [field]: true };
    }
    case 'tier': {
      const { silver, gold } = TIER_THRESHOLDS;
      if (segment.tier === 'gold') return { ...active, lifetimePoints: { $gte: gold } };
      if (segment.tier === 'silver') return { ...active, lifetimePoints: { $gte: silver, $lt: gold } };
      return {
        ...active,
        $or: [{ lifetimePoints: { $lt: silver } }, { lifetimePoints: { $exists: false } }],
      };
    }
    case 'users':
      return { ...active, _id: { $in: [...segment.ids] } };
  }
}

export function userModel(connection: Connection): Model<UserDocument> {
  return (connection.models.User ?? connection.model('User', USER_SCHEMA)) as unknown as Model<UserDocument>;
}

export function userFromDocument(doc: UserDocument): User {
  const addresses: Address[] = (doc.addresses ?? []).map((a) => ({
    id: a.id ?? String(a._id),
    type: a.type,
    street: a.street,
    city: a.city,
    state: a.state,
    zipCode: a.zipCode,
    country: a.country,
    isDefault: a.isDefault ?? false,
  }));
  return {
    id: doc._id,
    fullName: doc.fullName,
    email: doc.email,
    passwordHash: doc.passwordHash,
    ...(doc.phone != null ? { phone: doc.phone } : {}),
    ...(doc.birthday != null ? { birthday: doc.birthday } : {}),
    avatar: doc.avatar ?? null,
    role: doc.role ?? 'user',
    addresses,
    favorites: [...(doc.favorites ?? [])],
    preferences: {
      emailNotifications: doc.preferences?.emailNotifications ?? DEFAULT_PREFERENCES.emailNotifications,
      smsNotifications: doc.preferences?.smsNotifications ?? DEFAULT_PREFERENCES.smsNotifications,
      newsletter: doc.preferences?.newsletter ?? DEFAULT_PREFERENCES.newsletter,
      favoriteOccasions: (doc.preferences?.favoriteOccasions ?? []).filter((o): o is Occasion =>
        (OCCASIONS as readonly string[]).includes(o),
      ),
      priceRange: doc.preferences?.priceRange
        ? { min: doc.preferences.priceRange.min, max: doc.preferences.priceRange.max }
        : null,
    },
    isActive: doc.isActive ?? true,
    ...(doc.lastLogin != null ? { lastLogin: doc.lastLogin } : {}),
    ...withStanding({
      points: doc.loyaltyPoints ?? 0,
      lifetimePoints: doc.lifetimePoints ?? 0,
      seq: doc.loyaltySeq ?? 0,
    }),
    searchHistory: (doc.searchHistory ?? []).map((e) => ({ query: e.query, timestamp: e.timestamp })),
    ...(doc.lastActiveAt != null ? { lastActiveAt: doc.lastActiveAt } : {}),
    deviceInfo: (doc.deviceInfo ?? []).map((d) => ({
      deviceId: d.deviceId,
      lastUsed: d.lastUsed,
      platform: (PLATFORMS as readonly string[]).includes(d.platform) ? d.platform : 'other',
    })),
    ...(doc.passwordChangedAt != null ? { passwordChangedAt: doc.passwordChangedAt } : {}),
    ...(doc.mfa != null ? { mfa: mfaDocument(doc.mfa) } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt ?? doc.createdAt,
    version: doc.version ?? 0,
  };
}

const OPTIONAL_FIELDS = [
  'phone',
  'birthday',
  'lastLogin',
  'passwordChangedAt',
  'mfa',
] as const satisfies readonly (keyof User)[];

/** The MFA subdocument with only the fields that are set (read and written the same way). */
function mfaDocument(mfa: MfaState): MfaState {
  return {
    enabled: mfa.enabled === true,
    ...(mfa.secret != null ? { secret: mfa.secret } : {}),
    ...(mfa.pendingSecret != null ? { pendingSecret: mfa.pendingSecret } : {}),
    recoveryCodeHashes: [...(mfa.recoveryCodeHashes ?? [])],
    ...(mfa.lastUsedStep != null ? { lastUsedStep: mfa.lastUsedStep } : {}),
    ...(mfa.enabledAt != null ? { enabledAt: mfa.enabledAt } : {}),
  };
}

/** The loyalty mirror as stored (written by syncLoyalty and at creation only). */
function loyaltyFields(standing: LoyaltyStanding): Record<string, unknown> {
  const fields = withStanding(standing);
  return { ...fields };
}

/**
 * Every field but `_id`, `favorites` (the wishlist context's), the loyalty mirror (syncLoyalty's)
 * and lastActiveAt (touchActivity's), and the optional ones that are absent.
 */
function profileFields(user: User): { set: Record<string, unknown>; unset: Record<string, ''> } {
  const {
    id: _id,
    favorites: _favorites,
    loyaltyPoints: _lp,
    lifetimePoints: _lt,
    membershipTier: _mt,
    loyaltySeq: _ls,
    lastActiveAt: _la,
    addresses,
    ...rest
  } = user;
  const set: Record<string, unknown> = {
    ...rest,
    addresses: addresses.map((a) => ({ ...a })),
    ...(user.mfa ? { mfa: mfaDocument(user.mfa) } : {}),
  };
  const unset: Record<string, ''> = {};
  for (const field of OPTIONAL_FIELDS) {
    if (user[field] === undefined) {
      delete set[field];
      unset[field] = '';
    }
  }
  return { set, unset };
}

const emailTaken = (): DomainError => domainError('EMAIL_TAKEN', 'User already exists with this email');

/**
 * Users in the `users` collection (string `_id`, unique lowercase `email`). The wishlist context
 * changes `favorites` in the same documents with its own atomic updates, so `update` never
 * writes `favorites`: it is a guarded `findOneAndUpdate({_id, version})` of the other fields.
 */
export class MongoUserRepository implements UserRepository {
  private readonly users: Model<UserDocument>;
  private readonly locks: DocumentLock;

  constructor(
    connection: Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.users = userModel(connection);
    this.locks = new DocumentLock(connection);
  }

  async findById(id: string): Promise<User | null> {
    const doc = await this.users.findById(id).lean<UserDocument>().exec();
    return doc ? this.read(doc) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const doc = await this.users
      .findOne({ email: normalizeEmail(email) })
      .lean<UserDocument>()
      .exec();
    return doc ? this.read(doc) : null;
  }

  /** Through the phone's blind index: the number itself is stored only encrypted. */
  async findByPhone(phone: string): Promise<User[]> {
    await this.cipher.ready();
    const docs = await openCollection(this.users)
      .find<UserDocument>({ phoneIndex: this.cipher.blindIndex(phone) })
      .sort({ _id: 1 })
      .toArray();
    return Promise.all(docs.map((d) => this.read(d)));
  }

  private async read(doc: UserDocument): Promise<User> {
    return userFromDocument(await this.cipher.openAll(doc));
  }

  /** The profile's `$set` with its personal fields sealed and the phone's blind index beside it. */
  private async seal(
    set: Record<string, unknown>,
    unset: Record<string, ''>,
  ): Promise<{ set: Record<string, unknown>; unset: Record<string, ''> }> {
    await this.cipher.ready();
    const sealed = sealDocument(this.cipher, 'users', set);
    if (typeof set.phone === 'string') sealed.phoneIndex = this.cipher.blindIndex(set.phone);
    return { set: sealed, unset: 'phone' in unset ? { ...unset, phoneIndex: '' } : unset };
  }

  async create(user: User): Promise<Result<User, DomainError>> {
    const stored: User = { ...user, email: normalizeEmail(user.email) };
    const { set } = await this.seal(profileFields(stored).set, {});
    try {
      await this.users.collection.insertOne({
        _id: stored.id,
        ...set,
        favorites: [...stored.favorites],
        ...loyaltyFields({
          points: stored.loyaltyPoints,
          lifetimePoints: stored.lifetimePoints,
          seq: stored.loyaltySeq,
        }),
        ...(stored.lastActiveAt ? { lastActiveAt: stored.lastActiveAt } : {}),
      } as never);
      return Ok(stored);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // FerretDB does not say which index refused: look.
      if (await this.users.exists({ email: stored.email })) return Err(emailTaken());
      return Err(domainError('CONFLICT', 'A user with this id already exists'));
    }
  }

  async update(user: User): Promise<Result<User, DomainError>> {
    // The same key as the wishlist's writes: on FerretDB an update rewrites the whole document.
    return this.locks.exclusive(`users:${user.id}`, () => this.guardedUpdate(user));
  }

  private async guardedUpdate(user: User): Promise<Result<User, DomainError>> {
    const email = normalizeEmail(user.email);
    const profile = profileFields({ ...user, email });
    const { set, unset } = await this.seal(profile.set, profile.unset);
    set.version = user.version + 1;
    let doc: UserDocument | null;
    try {
      doc = (await this.users.collection.findOneAndUpdate(
        {
          _id: user.id,
          // A document written without a version counts as version 0.
          ...(user.version === 0
            ? { $or: [{ version: 0 }, { version: { $exists: false } }] }
            : { version: user.version }),
        } as never,
        { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        { returnDocument: 'after' },
      )) as UserDocument | null;
    } catch (error) {
      if (isDuplicateKey(error)) return Err(emailTaken());
      throw error;
    }
    if (doc) return Ok(await this.read(doc));
    if (!(await this.users.exists({ _id: user.id }))) return Err(domainError('NOT_FOUND', 'User not found'));
    return Err(domainError('CONFLICT', 'The account was changed meanwhile, please retry'));
  }

  async syncLoyalty(userId: string, standing: LoyaltyStanding): Promise<boolean> {
    return this.locks.exclusive(`users:${userId}`, async () => {
      const result = await this.users.collection.updateOne(
        {
          _id: userId,
          $or: [{ loyaltySeq: { $lt: standing.seq } }, { loyaltySeq: { $exists: false } }],
        } as never,
        { $set: loyaltyFields(standing) },
      );
      return result.modifiedCount > 0;
    });
  }

  async touchActivity(userId: string, at: Date, notBefore: Date): Promise<boolean> {
    return this.locks.exclusive(`users:${userId}`, async () => {
      const result = await this.users.collection.updateOne(
        {
          _id: userId,
          $or: [{ lastActiveAt: { $lte: notBefore } }, { lastActiveAt: { $exists: false } }],
        } as never,
        { $set: { lastActiveAt: at } },
      );
      return result.modifiedCount > 0;
    });
  }

  async delete(id: string): Promise<void> {
    await this.users.deleteOne({ _id: id }).exec();
  }

  async pageBySegment(segment: UserSegment, afterId: string | undefined, limit: number): Promise<User[]> {
    const filter = segmentFilter(segment);
    const docs = await openCollection(this.users)
      .find<UserDocument>(afterId === undefined ? filter : { $and: [filter, { _id: { $gt: afterId } }] })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return Promise.all(docs.map((d) => this.read(d)));
  }

  async countBySegment(segment: UserSegment): Promise<number> {
    return this.users.collection.countDocuments(segmentFilter(segment) as never);
  }

  async count(filter: { role?: User['role']; isActive?: boolean } = {}): Promise<number> {
    const query: Record<string, unknown> = {};
    // A document without a role is a user's.
    if (filter.role !== undefined) {
      query.role = filter.role === 'user' ? { $nin: ROLES.filter((r) => r !== 'user') } : filter.role;
    }
    if (filter.isActive !== undefined) query.isActive = filter.isActive ? { $ne: false } : false;
    return this.users.countDocuments(query).exec();
  }
}
