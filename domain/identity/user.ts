import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { OCCASIONS, type Occasion } from '../catalog/product.js';
import { NO_STANDING, tierFor, type LoyaltyStanding, type UserTier } from '../loyalty/points.js';

/**
 * `courier`: staff who record delivery updates and read any order's tracking, nothing else of the
 * admin's. Only an admin (PUT /api/admin/users/:id/role) or the CLI (`user:role`) grants a role;
 * registration and profile updates never carry one.
 */
export const ROLES = ['user', 'admin', 'courier'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that record delivery updates and read every order's tracking. */
export const DELIVERY_STAFF_ROLES: readonly Role[] = ['admin', 'courier'];

export function isDeliveryStaff(user: Pick<User, 'role'>): boolean {
  return DELIVERY_STAFF_ROLES.includes(user.role);
}

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

/** A shopper's budget per bouquet, minor units, `min <= max`. */
export interface PriceRange {
  readonly min: Money;
  readonly max: Money;
}

export interface Preferences {
  readonly emailNotifications: boolean;
  readonly smsNotifications: boolean;
  readonly newsletter: boolean;
  /** The catalog's occasions (its vocabulary), no repeats. */
  readonly favoriteOccasions: readonly Occasion[];
  /** Null: no preference. */
  readonly priceRange: PriceRange | null;
}

export interface SearchEntry {
  readonly query: string;
  readonly timestamp: Date;
}

export const PLATFORMS = ['ios', 'android', 'windows', 'macos', 'linux', 'other'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A device the user logged in from (identified by its user agent). */
export interface DeviceInfo {
  readonly deviceId: string;
  readonly lastUsed: Date;
  readonly platform: Platform;
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
  /**
   * Loyalty, mirrored from the points ledger (the loyalty context writes it, never a profile
   * update): the balance, the lifetime points the tier follows, the tier, and the ledger entry
   * (`loyaltySeq`) they are after.
   */
  readonly loyaltyPoints: number;
  readonly lifetimePoints: number;
  readonly membershipTier: UserTier;
  readonly loyaltySeq: number;
  /** Oldest first, at most SEARCH_HISTORY_MAX (the newest kept). */
  readonly searchHistory: readonly SearchEntry[];
  /** Last authenticated request, written at most once per ACTIVITY_WRITE_INTERVAL_MS. */
  readonly lastActiveAt?: Date;
  /** Most recently used first, at most DEVICES_MAX. */
  readonly deviceInfo: readonly DeviceInfo[];
  /** Tokens issued (iat) before this instant are no longer accepted. */
  readonly passwordChangedAt?: Date;
  /** Multi-factor sign-in (TOTP); absent: never set up. See domain/identity/mfa.ts. */
  readonly mfa?: MfaState;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Optimistic concurrency: incremented by every successful save. */
  readonly version: number;
}

/**
 * TOTP multi-factor state of an account. `secret` is the shared TOTP secret (base32), stored
 * encrypted at rest by the persistence adapter; `pendingSecret` is one set up but not yet
 * verified. Recovery codes are stored only as digests; a used one is removed. `lastUsedStep` is
 * the TOTP time step of the last accepted code, so a code cannot be replayed within its window.
 */
export interface MfaState {
  readonly enabled: boolean;
  readonly secret?: string;
  readonly pendingSecret?: string;
  readonly recoveryCodeHashes: readonly string[];
  readonly lastUsedStep?: number;
  readonly enabledAt?: Date;
}

/** An API key acting for its creator, limited to its scopes (domain/identity/api-key.ts). */
export interface ApiKeyActor {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
}

/** Who is making a request, once the token (or API key) has been checked. */
export interface Principal {
  readonly user: User;
  /** Hash of the presented token, so logout can revoke exactly that token. */
  readonly tokenId: string;
  readonly tokenExpiresAt: Date;
  /** The sign-in session the token belongs to (absent for tokens issued without one). */
  readonly sessionId?: string;
  /** Set when the request authenticated with an X-API-Key instead of a bearer token. */
  readonly apiKey?: ApiKeyActor;
}

// ---------------------------------------------------------------------------------------------
// Rules (compat 10) and pure state changes. Time and ids are passed in; every expected failure is
// a Result, never an exception.
// ---------------------------------------------------------------------------------------------

/** Compat 10: "non-space/@ chars, @, non-space/@ chars, a dot, non-space/@ chars". */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Compat 10: digits, whitespace, `-`, `(`, `)`, with an optional leading `+`. */
export const PHONE_PATTERN = /^\+?[\d\s\-()]+$/;
export const FULL_NAME_MAX = 50;
export const PASSWORD_MIN = 6;
/** bcrypt only reads the first 72 bytes of a password; longer ones are refused, not truncated. */
export const PASSWORD_MAX_BYTES = 72;
export const BIRTHDAY_MAX = 100;
export const ADDRESS_FIELD_MAX = 200;
export const MAX_ADDRESSES = 20;
export const DEFAULT_COUNTRY = 'United States';
export const DEFAULT_PREFERENCES: Preferences = {
  emailNotifications: true,
  smsNotifications: false,
  newsletter: true,
  favoriteOccasions: [],
  priceRange: null,
};
/** 10,000,000 rupees, the bound of every amount on the wire. */
export const PRICE_RANGE_MAX: Money = 1_000_000_000;
export const SEARCH_HISTORY_MAX = 50;
export const SEARCH_QUERY_MAX = 200;
export const DEVICES_MAX = 10;
/** lastActiveAt is written at most once per user per this long (no write per request). */
export const ACTIVITY_WRITE_INTERVAL_MS = 5 * 60_000;

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** One VALIDATION_FAILED naming every offending field (`errors` goes into the HTTP body). */
export function validationFailed(errors: readonly FieldError[]): DomainError {
  return domainError('VALIDATION_FAILED', errors.map((e) => e.message).join('. '), {
    errors: errors.map((e) => ({ ...e })),
  });
}

/** Emails are compared and stored trimmed and lowercased. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

function checkFullName(raw: string, errors: FieldError[]): string {
  const value = raw.trim();
  if (value === '') errors.push({ field: 'fullName', message: 'Please provide your full name' });
  else if (value.length > FULL_NAME_MAX)
    errors.push({ field: 'fullName', message: `Full name cannot be more than ${FULL_NAME_MAX} characters` });
  return value;
}

function checkEmail(raw: string, errors: FieldError[]): string {
  const value = normalizeEmail(raw);
  if (value === '') errors.push({ field: 'email', message: 'Please provide an email' });
  else if (!EMAIL_PATTERN.test(value) || value.length > 254)
    errors.push({ field: 'email', message: 'Please provide a valid email' });
  return value;
}

/** Returns the trimmed phone, or undefined for an empty one (the storefront sends ""). */
function checkPhone(raw: string | undefined, errors: FieldError[]): string | undefined {
  const value = raw?.trim() ?? '';
  if (value === '') return undefined;
  if (!PHONE_PATTERN.test(value) || value.length > 30)
    errors.push({ field: 'phone', message: 'Please provide a valid phone number' });
  return value;
}

function checkBirthday(raw: string | undefined, errors: FieldError[]): string | undefined {
  const value = raw?.trim() ?? '';
  if (value === '') return undefined;
  if (value.length > BIRTHDAY_MAX)
    errors.push({ field: 'birthday', message: `Birthday cannot be more than ${BIRTHDAY_MAX} characters` });
  return value;
}

function utf8Length(value: string): number {
  let bytes = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function checkPassword(raw: string, errors: FieldError[], field = 'password'): void {
  if (raw.length < PASSWORD_MIN)
    errors.push({ field, message: `Password must be at least ${PASSWORD_MIN} characters` });
  else if (utf8Length(raw) > PASSWORD_MAX_BYTES)
    errors.push({ field, message: `Password cannot be longer than ${PASSWORD_MAX_BYTES} bytes` });
}

/** A new password on its own (update/reset password). */
export function validatePassword(password: string, field = 'password'): Result<string, DomainError> {
  const errors: FieldError[] = [];
  checkPassword(password, errors, field);
  return errors.length ? Err(validationFailed(errors)) : Ok(password);
}

export interface RegistrationInput {
  readonly fullName: string;
  readonly email: string;
  readonly password: string;
  readonly phone?: string;
  readonly birthday?: string;
}

export interface Registration {
  readonly fullName: string;
  readonly email: string;
  readonly phone?: string;
  readonly birthday?: string;
}

/** Compat 10 rules for a sign-up; the answer is normalised (trimmed, email lowercased, "" dropped). */
export function validateRegistration(input: RegistrationInput): Result<Registration, DomainError> {
  const errors: FieldError[] = [];
  const fullName = checkFullName(input.fullName, errors);
  const email = checkEmail(input.email, errors);
  checkPassword(input.password, errors);
  const phone = checkPhone(input.phone, errors);
  const birthday = checkBirthday(input.birthday, errors);
  if (errors.length) return Err(validationFailed(errors));
  return Ok({
    fullName,
    email,
    ...(phone !== undefined ? { phone } : {}),
    ...(birthday !== undefined ? { birthday } : {}),
  });
}

export interface NewUser extends Registration {
  readonly id: string;
  readonly passwordHash: string;
  readonly role?: Role;
  readonly now: Date;
}

/** A fresh account (already validated). Version 0: the first save stores 0, each update +1. */
export function createUser(input: NewUser): User {
  return {
    id: input.id,
    fullName: input.fullName,
    email: normalizeEmail(input.email),
    passwordHash: input.passwordHash,
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
    ...(input.birthday !== undefined ? { birthday: input.birthday } : {}),
    avatar: null,
    role: input.role ?? 'user',
    addresses: [],
    favorites: [],
    preferences: DEFAULT_PREFERENCES,
    isActive: true,
    ...withStanding(NO_STANDING),
    searchHistory: [],
    deviceInfo: [],
    createdAt: input.now,
    updatedAt: input.now,
    version: 0,
  };
}

export interface DetailsInput {
  readonly fullName?: string;
  readonly email?: string;
  /** "" removes the phone. */
  readonly phone?: string;
  /** "" removes the birthday. */
  readonly birthday?: string;
  /** Optional (the storefront never sends it): a partial change, as changePreferences. */
  readonly preferences?: PreferencesInput;
}

/** Applies the fields present (profile page sends all four). */
export function changeDetails(user: User, input: DetailsInput, now: Date): Result<User, DomainError> {
  const errors: FieldError[] = [];
  const fullName = input.fullName !== undefined ? checkFullName(input.fullName, errors) : user.fullName;
  const email = input.email !== undefined ? checkEmail(input.email, errors) : user.email;
  const phone = input.phone !== undefined ? checkPhone(input.phone, errors) : user.phone;
  const birthday = input.birthday !== undefined ? checkBirthday(input.birthday, errors) : user.birthday;
  const preferences =
    input.preferences !== undefined
      ? checkPreferences(user.preferences, input.preferences, errors)
      : user.preferences;
  if (errors.length) return Err(validationFailed(errors));
  // Rebuild without the optional fields, then add them back only when set (never `undefined`).
  const { phone: _p, birthday: _b, ...rest } = user;
  return Ok({
    ...rest,
    fullName,
    email,
    ...(phone !== undefined ? { phone } : {}),
    ...(birthday !== undefined ? { birthday } : {}),
    preferences,
    updatedAt: now,
  });
}

/** A new password hash; every token issued before `now` stops working (see tokenPredatesPasswordChange). */
export function changePassword(user: User, passwordHash: string, now: Date): User {
  return { ...user, passwordHash, passwordChangedAt: now, updatedAt: now };
}

/** A login at `now`, from `device` when the user agent is known. */
export function recordLogin(user: User, now: Date, device?: { deviceId: string; platform: Platform }): User {
  if (!device) return { ...user, lastLogin: now };
  const others = user.deviceInfo.filter((d) => d.deviceId !== device.deviceId);
  const deviceInfo = [{ ...device, lastUsed: now }, ...others].slice(0, DEVICES_MAX);
  return { ...user, lastLogin: now, deviceInfo };
}

/** The platform a user agent names, simply (the first match wins: phones before desktops). */
export function platformOf(userAgent: string): Platform {
  const ua = userAgent.toLowerCase();
  if (/iphone|ipad|ipod|\bios\b/.test(ua)) return 'ios';
  if (ua.includes('android')) return 'android';
  if (ua.includes('windows')) return 'windows';
  if (/macintosh|mac os x|macos/.test(ua)) return 'macos';
  if (/linux|x11|cros/.test(ua)) return 'linux';
  return 'other';
}

/** A device's id: a digest (FNV-1a, 64 bits as hex) of its user agent; an identifier, not a secret. */
export function deviceOf(userAgent: string): { deviceId: string; platform: Platform } {
  let hash = 0xcbf29ce484222325n;
  for (const ch of userAgent.slice(0, 512)) {
    hash ^= BigInt(ch.codePointAt(0) ?? 0);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return { deviceId: hash.toString(16).padStart(16, '0'), platform: platformOf(userAgent) };
}

/** The loyalty fields of a standing (the tier follows the lifetime points). */
export function withStanding(
  standing: LoyaltyStanding,
): Pick<User, 'loyaltyPoints' | 'lifetimePoints' | 'membershipTier' | 'loyaltySeq'> {
  return {
    loyaltyPoints: standing.points,
    lifetimePoints: standing.lifetimePoints,
    membershipTier: tierFor(standing.lifetimePoints),
    loyaltySeq: standing.seq,
  };
}

/** Whether an authenticated request at `now` should write lastActiveAt (at most once per interval). */
export function activityIsStale(user: User, now: Date): boolean {
  return !user.lastActiveAt || now.getTime() - user.lastActiveAt.getTime() >= ACTIVITY_WRITE_INTERVAL_MS;
}

/** Remembers a search (trimmed; empty ones ignored), keeping the newest SEARCH_HISTORY_MAX. */
export function recordSearch(user: User, query: string, now: Date): User {
  const text = query.trim().slice(0, SEARCH_QUERY_MAX);
  if (text === '') return user;
  const searchHistory = [...user.searchHistory, { query: text, timestamp: now }].slice(-SEARCH_HISTORY_MAX);
  return { ...user, searchHistory };
}

// --- preferences ---------------------------------------------------------------------------------

/** A partial change of the preferences; `priceRange: null` removes it. */
export interface PreferencesInput {
  readonly emailNotifications?: boolean;
  readonly smsNotifications?: boolean;
  readonly newsletter?: boolean;
  readonly favoriteOccasions?: readonly string[];
  readonly priceRange?: { readonly min: Money; readonly max: Money } | null;
}

function checkOccasions(raw: readonly string[], errors: FieldError[]): Occasion[] {
  const known = OCCASIONS as readonly string[];
  const bad = raw.filter((o) => !known.includes(o));
  if (bad.length) {
    errors.push({
      field: 'favoriteOccasions',
      message: `Unknown occasion ${JSON.stringify(bad[0])}: use ${OCCASIONS.join(', ')}`,
    });
  }
  return [...new Set(raw)].filter((o): o is Occasion => known.includes(o));
}

function checkPriceRange(raw: PriceRange, errors: FieldError[]): PriceRange {
  for (const field of ['min', 'max'] as const) {
    const v = raw[field];
    if (!Number.isSafeInteger(v) || v < 0 || v > PRICE_RANGE_MAX) {
      errors.push({
        field: `priceRange.${field}`,
        message: `priceRange.${field} must be between 0 and 10000000`,
      });
    }
  }
  if (raw.min > raw.max) {
    errors.push({ field: 'priceRange', message: 'priceRange.min cannot be more than priceRange.max' });
  }
  return { min: raw.min, max: raw.max };
}

function checkPreferences(current: Preferences, input: PreferencesInput, errors: FieldError[]): Preferences {
  const favoriteOccasions =
    input.favoriteOccasions !== undefined
      ? checkOccasions(input.favoriteOccasions, errors)
      : current.favoriteOccasions;
  const priceRange =
    input.priceRange === undefined
      ? current.priceRange
      : input.priceRange === null
        ? null
        : checkPriceRange(input.priceRange, errors);
  return {
    emailNotifications: input.emailNotifications ?? current.emailNotifications,
    smsNotifications: input.smsNotifications ?? current.smsNotifications,
    newsletter: input.newsletter ?? current.newsletter,
    favoriteOccasions,
    priceRange,
  };
}

/** Applies the preferences present; every invalid field is named. */
export function changePreferences(user: User, input: PreferencesInput, now: Date): Result<User, DomainError> {
  const errors: FieldError[] = [];
  const preferences = checkPreferences(user.preferences, input, errors);
  if (errors.length) return Err(validationFailed(errors));
  return Ok({ ...user, preferences, updatedAt: now });
}

export function setActive(user: User, isActive: boolean, now: Date): User {
  return user.isActive === isActive ? user : { ...user, isActive, updatedAt: now };
}

export function promoteToAdmin(user: User, now: Date): User {
  return assignRole(user, 'admin', now);
}

/** The user with `role` (unchanged when it already has it). */
export function assignRole(user: User, role: Role, now: Date): User {
  return user.role === role ? user : { ...user, role, updatedAt: now };
}

/**
 * A JWT's `iat` has whole seconds only, while a password change has milliseconds: comparing
 * seconds let a token issued earlier in the same second as the change survive it. So the second
 * of a change belongs to the tokens before it: a token whose `iat` is at or before that second
 * predates the change and is refused, and every token issued after the change (the one the change
 * answers, any later login) is dated at least one second past it (tokenIssuedAt).
 */
export function tokenPredatesPasswordChange(user: User, issuedAtSeconds: number): boolean {
  if (!user.passwordChangedAt) return false;
  return issuedAtSeconds <= Math.floor(user.passwordChangedAt.getTime() / 1000);
}

/**
 * The `iat` (epoch seconds) of a token issued to `user` at `now`: now, or the second after the
 * user's last password change when that is later (at most one second ahead of now, so the token
 * lives at most one second longer than configured).
 */
export function tokenIssuedAt(user: User, now: Date): number {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!user.passwordChangedAt) return nowSeconds;
  return Math.max(nowSeconds, Math.floor(user.passwordChangedAt.getTime() / 1000) + 1);
}

// --- addresses ---------------------------------------------------------------------------------

export interface AddressInput {
  readonly type?: AddressType;
  readonly street?: string;
  readonly city?: string;
  readonly state?: string;
  readonly zipCode?: string;
  readonly country?: string;
  readonly isDefault?: boolean;
}

const ADDRESS_TEXT_FIELDS = ['street', 'city', 'state', 'zipCode', 'country'] as const;

function checkAddressFields(input: AddressInput, required: boolean, errors: FieldError[]): AddressInput {
  const out: Record<string, unknown> = {};
  if (input.type !== undefined) {
    if (!(ADDRESS_TYPES as readonly string[]).includes(input.type))
      errors.push({ field: 'type', message: `Address type must be one of ${ADDRESS_TYPES.join(', ')}` });
    else out.type = input.type;
  }
  for (const field of ADDRESS_TEXT_FIELDS) {
    const raw = input[field];
    if (raw === undefined) {
      if (required && field !== 'country') errors.push({ field, message: `Please provide the ${field}` });
      continue;
    }
    const value = raw.trim();
    if (value === '') errors.push({ field, message: `Please provide the ${field}` });
    else if (value.length > ADDRESS_FIELD_MAX)
      errors.push({ field, message: `The ${field} cannot be more than ${ADDRESS_FIELD_MAX} characters` });
    else out[field] = value;
  }
  if (input.isDefault !== undefined) out.isDefault = input.isDefault;
  return out as AddressInput;
}

function withDefault(addresses: readonly Address[], defaultId: string): Address[] {
  return addresses.map((a) => {
    const isDefault = a.id === defaultId;
    return a.isDefault === isDefault ? a : { ...a, isDefault };
  });
}

/** Adds an address (type defaults to home, country to United States); at most one default. */
export function addAddress(
  user: User,
  input: AddressInput,
  id: string,
  now: Date,
): Result<User, DomainError> {
  const errors: FieldError[] = [];
  const clean = checkAddressFields(input, true, errors);
  if (errors.length) return Err(validationFailed(errors));
  if (user.addresses.length >= MAX_ADDRESSES) {
    return Err(
      validationFailed([{ field: 'addresses', message: `You can save at most ${MAX_ADDRESSES} addresses` }]),
    );
  }
  const address: Address = {
    id,
    type: clean.type ?? 'home',
    street: clean.street!,
    city: clean.city!,
    state: clean.state!,
    zipCode: clean.zipCode!,
    country: clean.country ?? DEFAULT_COUNTRY,
    isDefault: clean.isDefault ?? false,
  };
  const list = [...user.addresses, address];
  return Ok({ ...user, addresses: address.isDefault ? withDefault(list, id) : list, updatedAt: now });
}

/** Changes the fields present; ADDRESS_NOT_FOUND when the user has no such address. */
export function updateAddress(
  user: User,
  addressId: string,
  patch: AddressInput,
  now: Date,
): Result<User, DomainError> {
  const current = user.addresses.find((a) => a.id === addressId);
  if (!current) return Err(domainError('ADDRESS_NOT_FOUND', 'Address not found'));
  const errors: FieldError[] = [];
  const clean = checkAddressFields(patch, false, errors);
  if (errors.length) return Err(validationFailed(errors));
  const updated: Address = { ...current, ...clean } as Address;
  let list = user.addresses.map((a) => (a.id === addressId ? updated : a));
  if (updated.isDefault) list = withDefault(list, addressId);
  return Ok({ ...user, addresses: list, updatedAt: now });
}

/** Removes the address if present (idempotent, as the original). */
export function removeAddress(user: User, addressId: string, now: Date): User {
  if (!user.addresses.some((a) => a.id === addressId)) return user;
  return { ...user, addresses: user.addresses.filter((a) => a.id !== addressId), updatedAt: now };
}
