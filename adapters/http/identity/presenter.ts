import { Type, type Static } from '@fastify/type-provider-typebox';
import type { Address, User } from '../../../domain/identity/user.js';
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
    }),
    isActive: Type.Boolean(),
    lastLogin: Type.Optional(IsoDate),
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
    preferences: { ...user.preferences },
    isActive: user.isActive,
    ...(user.lastLogin ? { lastLogin: user.lastLogin.toISOString() } : {}),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    __v: user.version,
  };
}

/** Register/login/password answers: `{status, token, user, data:{user}}` (compat 1). */
export const TokenResponseSchema = Type.Object({
  status: Type.Literal('success'),
  message: Type.Optional(Type.String()),
  token: Type.String({ description: 'HS256 JWT, payload {id, iat, exp}' }),
  user: UserSchema,
  data: Type.Object({ user: UserSchema }),
});

export function tokenResponse(session: { user: User; token: string }, message?: string) {
  const user = presentUser(session.user);
  return {
    status: 'success' as const,
    ...(message ? { message } : {}),
    token: session.token,
    user,
    data: { user },
  };
}
