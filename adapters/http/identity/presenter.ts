import { Type, type Static } from '@fastify/type-provider-typebox';
import {
  PLATFORMS,
  type Address,
  type Platform,
  type Preferences,
  type User,
} from '../../../domain/identity/user.js';
import { toMajor } from '../../../domain/shared/money.js';
import { mfaEnabled } from '../../../domain/identity/mfa.js';
import { IsoDate } from '../schemas.js';

export const AddressSchema = Type.Object({
  _id: Type.String(),
  type: Type.Union([Type.Literal('home'), Type.Literal('work'), Type.Literal('other')]),
  street: Type.String(),
  city: Type.String(),
  state: Type.String(),
  zipCode: Type.String(),
  country: Type.String(),
  isDefault: Type.Boolean(),
});

/** The one user shape on the wire (compat 1): never the password hash or any token field. */
export const UserSchema = Type.Object(
  {
    _id: Type.String(),
    fullName: Type.String(),
    email: Type.String(),
    phone: Type.Optional(Type.String()),
    birthday: Type.Optional(Type.String()),
    avatar: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.Literal('user'), Type.Literal('admin'), Type.Literal('courier')]),
    addresses: Type.Array(AddressSchema),
    favorites: Type.Array(Type.String(), { description: 'Product ids (the wishlist)' }),
    preferences: Type.Object({
      emailNotifications: Type.Boolean(),
      smsNotifications: Type.Boolean(),
      newsletter: Type.Boolean(),
      favoriteOccasions: Type.Array(Type.String(), { description: "The catalog's occasions" }),
      priceRange: Type.Union([Type.Object({ min: Type.Number(), max: Type.Number() }), Type.Null()], {
        description: 'Budget in rupees; null: no preference',
      }),
    }),
    isActive: Type.Boolean(),
    mfaEnabled: Type.Optional(
      Type.Boolean({ description: 'Multi-factor sign-in (TOTP) is on: login then answers a challenge' }),
    ),
    lastLogin: Type.Optional(IsoDate),
    loyaltyPoints: Type.Integer({ description: 'Balance (1 point per rupee of delivered orders)' }),
    membershipTier: Type.Union([Type.Literal('bronze'), Type.Literal('silver'), Type.Literal('gold')], {
      description: 'From lifetime points: silver from 5,000, gold from 20,000',
    }),
    searchHistory: Type.Array(Type.Object({ query: Type.String(), timestamp: IsoDate })),
    lastActiveAt: Type.Optional(IsoDate),
    deviceInfo: Type.Array(
      Type.Object({
        deviceId: Type.String(),
        lastUsed: IsoDate,
        platform: Type.Unsafe<Platform>(Type.String({ enum: [...PLATFORMS] })),
      }),
    ),
    createdAt: IsoDate,
    updatedAt: IsoDate,
    __v: Type.Integer(),
  },
  { description: 'A user account' },
);
export type UserJson = Static<typeof UserSchema>;
export type AddressJson = Static<typeof AddressSchema>;

export function presentAddress(a: Address): AddressJson {
  return {
    _id: a.id,
    type: a.type,
    street: a.street,
    city: a.city,
    state: a.state,
    zipCode: a.zipCode,
    country: a.country,
    isDefault: a.isDefault,
  };
}

export function presentPreferences(p: Preferences): UserJson['preferences'] {
  return {
    emailNotifications: p.emailNotifications,
    smsNotifications: p.smsNotifications,
    newsletter: p.newsletter,
    favoriteOccasions: [...p.favoriteOccasions],
    priceRange: p.priceRange ? { min: toMajor(p.priceRange.min), max: toMajor(p.priceRange.max) } : null,
  };
}

export function presentUser(user: User): UserJson {
  return {
    _id: user.id,
    fullName: user.fullName,
    email: user.email,
    ...(user.phone !== undefined ? { phone: user.phone } : {}),
    ...(user.birthday !== undefined ? { birthday: user.birthday } : {}),
    avatar: user.avatar,
    role: user.role,
    addresses: user.addresses.map(presentAddress),
    favorites: [...user.favorites],
    preferences: presentPreferences(user.preferences),
    isActive: user.isActive,
    mfaEnabled: mfaEnabled(user),
    ...(user.lastLogin ? { lastLogin: user.lastLogin.toISOString() } : {}),
    loyaltyPoints: user.loyaltyPoints,
    membershipTier: user.membershipTier,
    searchHistory: user.searchHistory.map((e) => ({ query: e.query, timestamp: e.timestamp.toISOString() })),
    ...(user.lastActiveAt ? { lastActiveAt: user.lastActiveAt.toISOString() } : {}),
    deviceInfo: user.deviceInfo.map((d) => ({
      deviceId: d.deviceId,
      lastUsed: d.lastUsed.toISOString(),
      platform: d.platform,
    })),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    __v: user.version,
  };
}

/** Register/login/password answers: `{status, token, user, data:{user}}` (compat 1). */
export const TokenResponseSchema = Type.Object({
  status: Type.Literal('success'),
  message: Type.Optional(Type.String()),
  token: Type.String({ description: 'HS256 JWT, payload {id, sid, iat, exp} (sid: its sign-in session)' }),
  refreshToken: Type.Optional(
    Type.String({
      description:
        'Only for clients that sent `X-Client-Type: api`: opaque, single use, exchanged at POST /api/auth/refresh',
    }),
  ),
  user: UserSchema,
  data: Type.Object({ user: UserSchema }),
});

export function tokenResponse(
  session: { user: User; token: string; refreshToken?: string | undefined },
  message?: string,
) {
  const user = presentUser(session.user);
  return {
    status: 'success' as const,
    ...(message ? { message } : {}),
    token: session.token,
    ...(session.refreshToken ? { refreshToken: session.refreshToken } : {}),
    user,
    data: { user },
  };
}
