export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ADDRESS_TYPES = ['home', 'work', 'other'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];

export interface Address {
  readonly id: string;
  readonly type: AddressType;
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly zipCode: string;
  readonly country: string;
  readonly isDefault: boolean;
}

export interface Preferences {
  readonly emailNotifications: boolean;
  readonly smsNotifications: boolean;
  readonly newsletter: boolean;
}

/**
 * The User entity. `favorites` is the wishlist (compat section 6: favorites and wishlist are the
 * same data): product ids in insertion order, changed only through the wishlist context's port,
 * whose adapters update it atomically.
 */
export interface User {
  readonly id: string;
  readonly fullName: string;
  /** Always stored lowercased. */
  readonly email: string;
  readonly passwordHash: string;
  readonly phone?: string;
  readonly birthday?: string;
  readonly avatar: string | null;
  readonly role: Role;
  readonly addresses: readonly Address[];
  readonly favorites: readonly string[];
  readonly preferences: Preferences;
  readonly isActive: boolean;
  readonly lastLogin?: Date;
  /** Tokens issued (iat) before this instant are no longer accepted. */
  readonly passwordChangedAt?: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Optimistic concurrency: incremented by every successful save. */
  readonly version: number;
}

/** Who is making a request, once the token has been checked. */
export interface Principal {
  readonly user: User;
  /** Hash of the presented token, so logout can revoke exactly that token. */
  readonly tokenId: string;
  readonly tokenExpiresAt: Date;
}
