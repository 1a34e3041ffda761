import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Platform, Principal, User } from '../../domain/identity/user.js';
import type { ApiKey } from '../../domain/identity/api-key.js';
import type { LoyaltyStanding, UserTier } from '../../domain/loyalty/points.js';
import { idDescending, type CursorPage, type CursorRequest, type KeysetOrder } from '../shared/cursor.js';

/** Users chosen by one rule (a bulk notification's audience); only active users count. */
export type UserSegment =
  | { readonly kind: 'all' }
  /** Users with this preference on. */
  | {
      readonly kind: 'preference';
      readonly preference: 'emailNotifications' | 'smsNotifications' | 'newsletter';
    }
  | { readonly kind: 'tier'; readonly tier: UserTier }
  | { readonly kind: 'users'; readonly ids: readonly string[] };

export interface UserRepository {
  findById(id: string): Promise<User | null>;
  /** Case-insensitive: emails are stored lowercased. */
  findByEmail(email: string): Promise<User | null>;
  /** Fails with EMAIL_TAKEN when the (lowercased) email exists. */
  create(user: User): Promise<Result<User, DomainError>>;
  /**
   * Saves when the stored version equals `user.version` and stores `version + 1`; CONFLICT when
   * someone saved in between, EMAIL_TAKEN when the new email belongs to another user.
   */
  update(user: User): Promise<Result<User, DomainError>>;
  delete(id: string): Promise<void>;
  count(filter?: { role?: User['role']; isActive?: boolean }): Promise<number>;
  /**
   * Mirrors the points ledger on the user (balance, lifetime points, tier) when `standing.seq` is
   * after the stored `loyaltySeq` (so a late or repeated write never goes back); false otherwise
   * or when the user is gone. Not versioned: `update` never writes these fields.
   */
  syncLoyalty(userId: string, standing: LoyaltyStanding): Promise<boolean>;
  /**
   * Sets lastActiveAt to `at` unless it is already after `notBefore` (one write per
   * interval, whatever the number of parallel requests). Not versioned: `update` never writes it.
   */
  touchActivity(userId: string, at: Date, notBefore: Date): Promise<boolean>;
  /**
   * Active users of a segment, by id ascending, after `afterId` (exclusive), at most `limit`: a
   * keyset page, so a bulk send walks any number of users without loading them all, and a
   * resumed walk sees the same order.
   */
  pageBySegment(segment: UserSegment, afterId: string | undefined, limit: number): Promise<User[]>;
  /** How many active users the segment holds now. */
  countBySegment(segment: UserSegment): Promise<number>;
}
export const USER_REPOSITORY = token<UserRepository>('UserRepository');

/**
 * Turns a bearer token into a Principal (used by every driving adapter: HTTP, WebSocket, CLI).
 * Errors: NOT_AUTHENTICATED (missing, malformed, badly signed, expired or revoked),
 * USER_NO_LONGER_EXISTS, USER_DEACTIVATED.
 */
export interface Authenticator {
  /**
   * `safeRead`: the request only reads (GET/HEAD): a token logged out moments ago still passes
   * during the logout grace (see TokenRevocationStore). Never for a password change or deactivation.
   */
  authenticate(
    token: string | undefined,
    options?: { readonly safeRead?: boolean },
  ): Promise<Result<Principal, AuthError>>;
}

/** An authentication failure; `userId` names the account when one was identified (for the audit log, never sent). */
export type AuthError = DomainError & {
  readonly userId?: string;
  readonly role?: User['role'];
};
export const AUTHENTICATOR = token<Authenticator>('Authenticator');

export const AUDIT_ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'status_change',
  'bulk_operation',
  'bulk_update',
  'login_attempt',
  'unauthorized_access',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The first six are compat rule 15's; the rest name the admin operations outside /api/admin
 * (review moderation, promos, stock, refunds, ...), each audited with its resource.
 */
export const AUDIT_RESOURCES = [
  'product',
  'order',
  'category',
  'user',
  'auth',
  'system',
  'review',
  'promo',
  'inventory',
  'payment',
  'cart',
  'wishlist',
  'location',
  'notification',
  'search',
  'recommendation',
  'api-key',
  // POST /api/batch (issue 14): the batch itself; each of its items has its own entry
  'batch',
] as const;
export type AuditResource = (typeof AUDIT_RESOURCES)[number];

/** One line of the admin activity log (compat rule 15). */
export interface AuditEntry {
  readonly id: string;
  readonly userId: string | null;
  readonly action: AuditAction;
  readonly resource: AuditResource;
  readonly resourceId?: string;
  readonly success: boolean;
  readonly ip: string;
  readonly userAgent: string;
  readonly details: {
    readonly endpoint: string;
    readonly method: string;
    readonly statusCode?: number;
    readonly reason?: string;
    readonly userRole?: string;
    readonly [key: string]: unknown;
  };
  readonly errorMessage: string | null;
  readonly timestamp: Date;
  /** Who acted beyond the user id: their role, and the API key when the request used one. */
  readonly actor?: AuditActor;
  /** The request's correlation id (`x-request-id`). */
  readonly requestId?: string;
  /** The resource before and after a mutation, redacted and bounded (application/identity/audit-redaction.ts). */
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface AuditActor {
  readonly role: string | null;
  readonly apiKeyId?: string;
  readonly apiKeyName?: string;
}

/** An entry as stored: its place in the hash chain (application/identity/audit-chain.ts). */
export interface ChainedAuditEntry extends AuditEntry {
  /** 1, 2, 3, ... in append order, one chain for the whole fleet. */
  readonly seq: number;
  /** The previous entry's hash (AUDIT_GENESIS_HASH for seq 1). */
  readonly prevHash: string;
  /** SHA-256 (hex) of the entry's canonical serialization and prevHash. */
  readonly hash: string;
}

/** The audit log's filters (all optional, combined with AND). */
export interface AuditFilter {
  readonly userId?: string;
  readonly apiKeyId?: string;
  readonly action?: AuditAction;
  readonly resource?: AuditResource;
  readonly resourceId?: string;
  readonly success?: boolean;
  /** Inclusive bounds on the timestamp. */
  readonly from?: Date;
  readonly to?: Date;
}

/**
 * The admin audit log: append-only (no update or delete here) and hash-chained. `record` appends
 * at the end of the one chain, whatever the number of callers and instances.
 */
export interface AuditLog {
  record(entry: AuditEntry): Promise<ChainedAuditEntry>;
  /** Newest first (entries written before the chain existed come after the chained ones). */
  list(page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }>;
  /** Newest first, filtered. */
  search(filter: AuditFilter, page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }>;
  /** As `search` (AUDIT_KEYSET), after `request.after`, with the total matching. */
  searchAfter(filter: AuditFilter, request: CursorRequest): Promise<CursorPage<AuditEntry>>;
  /** Up to `limit` chained entries with seq > afterSeq, by seq ascending (as stored: the verifier's view). */
  chain(afterSeq: number, limit: number): Promise<ChainedAuditEntry[]>;
  /** How many chained entries are stored. */
  chainSize(): Promise<number>;
}
export const AUDIT_LOG = token<AuditLog>('AuditLog');

/**
 * The audit log's listing order as a keyset (as `search`): newest seq first; entries written
 * before the chain existed (no seq: 0 here) after every chained one, newest timestamp first,
 * ties newest id first.
 */
export const AUDIT_KEYSET: KeysetOrder<AuditEntry> = [
  { path: 'seq', dir: -1, kind: 'number', value: (e) => (e as Partial<ChainedAuditEntry>).seq ?? 0 },
  { path: 'timestamp', dir: -1, kind: 'date', value: (e) => e.timestamp.getTime() },
  idDescending<AuditEntry>(),
];

// --- ports of the identity use cases ----------------------------------------------------------

/** What a verified token says. Times in epoch seconds (JWT `iat`/`exp`). */
export interface TokenClaims {
  readonly userId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The sign-in session (`sid`); absent in tokens issued before sessions were stored. */
  readonly sessionId?: string;
}

/** Where and how a sign-in happens (every path that hands out a token passes it). */
export interface SignInContext {
  /** The caller's address (normalized: IPv6 per /64). */
  readonly ip?: string;
  readonly userAgent?: string;
  /** A non-browser client asked for a refresh token too (POST /api/auth/refresh rotates it). */
  readonly withRefreshToken?: boolean;
}

/** What register, login, MFA completion, update-password and reset-password answer. */
export interface Session {
  readonly user: User;
  readonly token: string;
  /** The sign-in session the token belongs to (GET /api/auth/sessions lists it). */
  readonly sessionId?: string;
  /** Only when the context asked for one. */
  readonly refreshToken?: string;
}

/**
 * Starts a sign-in session for a user whose credentials were checked and hands out its token.
 * Every use case that signs someone in goes through it (register, login, MFA challenge,
 * password change, password reset).
 */
export interface SessionIssuer {
  start(user: User, now: Date, context: SignInContext): Promise<Session>;
}
export const SESSION_ISSUER = token<SessionIssuer>('SessionIssuer');

/**
 * Keys for request signatures (HMAC-SHA256, see adapters/http/signing), derived from one server
 * secret so nothing extra is stored: an API key's signing secret is shown once when the key is
 * created; a session's is handed to its holder on request. Rotating the server secret changes
 * them all.
 */
export interface SigningKeys {
  forApiKey(apiKeyId: string): string;
  forSession(sessionId: string): string;
}
export const SIGNING_KEYS = token<SigningKeys>('SigningKeys');

/** API keys (issue 13): stored by the digest of the whole key, found by their public prefix. */
export interface ApiKeyStore {
  /** Fails (throws) on a prefix already stored: prefixes are unique. */
  create(key: ApiKey): Promise<void>;
  findByPrefix(prefix: string): Promise<ApiKey | null>;
  findById(id: string): Promise<ApiKey | null>;
  /** Newest first, at most `limit`. */
  list(limit: number): Promise<ApiKey[]>;
  /** Sets revokedAt unless the key already has one (the first revocation stands); the key, or null when unknown. */
  revoke(id: string, at: Date): Promise<ApiKey | null>;
  /**
   * Records a use (time and address) unless the last recorded use is after `notBefore`: one
   * write per interval however many parallel requests; true when this call wrote.
   */
  touch(id: string, at: Date, ip: string, notBefore: Date): Promise<boolean>;
}
export const API_KEY_STORE = token<ApiKeyStore>('ApiKeyStore');

/**
 * Signs and verifies bearer tokens (HS256 JWT with payload exactly `{id, sid, iat, exp}`, or
 * `{id, iat, exp}` without a session; `sid` is alphanumeric so the payload stays compat 0.3 safe).
 */
export interface TokenService {
  /** A token for `userId` issued at `nowSeconds`, valid for the configured lifetime. */
  sign(userId: string, nowSeconds: number, sessionId?: string): { token: string; claims: TokenClaims };
  /** The claims of a well-formed, correctly signed, unexpired (at `nowSeconds`) token; else null. */
  verify(token: string, nowSeconds: number): TokenClaims | null;
}
export const TOKEN_SERVICE = token<TokenService>('TokenService');

/**
 * Password hashing (slow on purpose). Its work queue is bounded: when it is full, `hash` and
 * `compare` reject at once with PasswordHasherBusy instead of queueing behind a flood; the use
 * cases answer that as an expected failure (RATE_LIMITED, retry shortly), never as a 500.
 */
export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  compare(plain: string, hash: string): Promise<boolean>;
}
export const PASSWORD_HASHER = token<PasswordHasher>('PasswordHasher');

/** Thrown (rejected) by a PasswordHasher whose queue is full; nothing was hashed. */
export class PasswordHasherBusy extends Error {
  constructor(readonly retryAfterSeconds = 1) {
    super('password hashing queue is full');
    this.name = 'PasswordHasherBusy';
  }
}

/** One-way digest of secrets (token ids, reset tokens): SHA-256 as lowercase hex. */
export interface SecretDigest {
  digest(value: string): string;
}
export const SECRET_DIGEST = token<SecretDigest>('SecretDigest');

/**
 * Logged-out tokens, remembered until they would have expired anyway.
 *
 * A revocation may carry a grace for safe reads (`readsUntil`, a logout's LOGOUT_GRACE_MS): until
 * then a GET/HEAD with the token still passes, so requests already in flight when the shopper
 * logged out are not answered 401 (which the storefront treats as an expired session); writes are
 * refused at once. Revoking a token again can shorten its grace or end it, never extend it (else
 * repeating the logout would keep a stolen token readable forever).
 */
export interface TokenRevocationStore {
  revoke(tokenId: string, until: Date, readsUntil?: Date): Promise<void>;
  /** `safeRead`: the request only reads (GET/HEAD), so a grace still running lets it pass. */
  isRevoked(tokenId: string, now: Date, safeRead?: boolean): Promise<boolean>;
}

/** What a stored revocation says at `now` (shared by the stores). */
export function revokedAt(
  entry: { until: number; readsUntil?: number | undefined } | undefined,
  now: Date,
  safeRead: boolean,
): boolean {
  if (!entry || !(entry.until > now.getTime())) return false;
  return !(safeRead && entry.readsUntil !== undefined && entry.readsUntil > now.getTime());
}

/** The grace of a token revoked again: the earlier end wins, and no grace beats any grace. */
export function shorterGrace(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  return Math.min(a, b);
}
export const TOKEN_REVOCATION_STORE = token<TokenRevocationStore>('TokenRevocationStore');

/** One sign-in session (GET /api/auth/sessions); its refresh token is stored as a digest only. */
export interface StoredSession {
  /** Alphanumeric (24 hex): it travels in the token payload as `sid`. */
  readonly id: string;
  readonly userId: string;
  /** From the user agent (deviceOf); absent when none was sent. */
  readonly deviceId?: string;
  /** A short name for the client ("Firefox", "curl"; deviceNameOf). */
  readonly deviceName?: string;
  readonly platform?: Platform;
  readonly ip?: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  /** Set once; the first revocation's time stands. */
  readonly revokedAt?: Date;
  /** A logout's grace: until then safe reads (GET/HEAD) with its tokens still pass. */
  readonly readsUntil?: Date;
  /** Digest of the live refresh token (absent: the session has none). */
  readonly refreshDigest?: string;
  /** How many times the refresh token was rotated (its family is the session). */
  readonly refreshGeneration: number;
  /**
   * Digests of the refresh tokens rotated away, the newest RETIRED_DIGESTS_KEPT (oldest first);
   * presenting one again revokes the session. An older one is refused like an unknown token.
   */
  readonly retiredDigests: readonly string[];
  /** When the last rotation happened (a parallel duplicate of it is not taken for theft). */
  readonly rotatedAt?: Date;
}

export type RotateOutcome =
  | { readonly kind: 'rotated'; readonly session: StoredSession }
  /** The presented digest was rotated away before: the whole session is now revoked. */
  | { readonly kind: 'reused'; readonly session: StoredSession }
  /** Unknown digest, unknown or revoked session: nothing changed. */
  | { readonly kind: 'refused' };

/** Sign-in sessions; the shared source of truth for their revocation (every instance reads it). */
export interface SessionStore {
  create(session: StoredSession): Promise<void>;
  find(id: string): Promise<StoredSession | null>;
  /** The user's sessions not revoked, most recently used first, at most `limit`. */
  listLive(userId: string, limit: number): Promise<StoredSession[]>;
  /**
   * Revokes the user's session (guarded: only one not yet revoked; another user's is untouched);
   * `readsUntil` keeps safe reads passing for a while (logout). False when none was revoked.
   */
  revoke(userId: string, id: string, now: Date, readsUntil?: Date): Promise<boolean>;
  /** Revokes every live session of the user except `exceptId`; answers how many. */
  revokeAll(userId: string, now: Date, exceptId?: string): Promise<number>;
  /** Sets lastUsedAt to `at` unless already after `notBefore` (one write per interval). */
  touch(id: string, at: Date, notBefore: Date): Promise<boolean>;
  /**
   * Replaces the live refresh digest `presented` by `next` in one guarded write (parallel callers
   * with the same token: exactly one is `rotated`). A `presented` found among the retired digests
   * revokes the session (`reused`) unless it is the one rotated away at or after `duplicateSince`.
   */
  rotate(
    id: string,
    presented: string,
    next: string,
    now: Date,
    duplicateSince: Date,
  ): Promise<RotateOutcome>;
}
export const SESSION_STORE = token<SessionStore>('SessionStore');

/** How many rotated-away refresh digests a session keeps for reuse detection (bounds the document). */
export const RETIRED_DIGESTS_KEPT = 100;

/** The retired digests after `presented` is rotated away: appended, the oldest beyond the cap dropped. */
export function retire(retired: readonly string[], presented: string): string[] {
  return [...retired, presented].slice(-RETIRED_DIGESTS_KEPT);
}

/** The digest rotated away last, presented again since `since`: a parallel refresh, not a theft (shared by the stores). */
export function isParallelDuplicate(session: StoredSession, presented: string, since: Date): boolean {
  return (
    session.retiredDigests[session.retiredDigests.length - 1] === presented &&
    session.rotatedAt !== undefined &&
    session.rotatedAt.getTime() >= since.getTime()
  );
}

/** Password reset tokens, stored only as digests; one live token per user. */
export interface PasswordResetStore {
  /** Stores `tokenHash -> userId` until `expiresAt`, replacing the user's previous token. */
  save(tokenHash: string, userId: string, expiresAt: Date): Promise<void>;
  /** The user id when the token exists and `now` is before its expiry; removes it either way (single use). */
  consume(tokenHash: string, now: Date): Promise<string | null>;
}
export const PASSWORD_RESET_STORE = token<PasswordResetStore>('PasswordResetStore');

/**
 * Brute-force brake on login, per key; see domain/identity/login-throttle.ts. Two are bound:
 * LOGIN_THROTTLE counts per email + IP, ACCOUNT_LOGIN_THROTTLE per email from every IP together
 * (so spreading guesses over many addresses does not multiply them).
 */
export interface LoginThrottle {
  /** Atomically decides and counts one attempt. */
  attempt(key: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAt: Date }>;
  /** A successful login forgets the key's failures. */
  reset(key: string): Promise<void>;
}
export const LOGIN_THROTTLE = token<LoginThrottle>('LoginThrottle');
export const ACCOUNT_LOGIN_THROTTLE = token<LoginThrottle>('AccountLoginThrottle');
/** Failed logins per IP for every email together (keys `*|<ip>|ip`). */
export const IP_LOGIN_THROTTLE = token<LoginThrottle>('IpLoginThrottle');

/**
 * Work a use case starts but does not wait for (e.g. the forgot-password lookup and mail, so the
 * answer takes the same time whether or not the account exists). Failures are logged, never
 * thrown at the caller.
 */
export interface BackgroundTasks {
  run(name: string, work: () => Promise<void>): void;
}
export const BACKGROUND_TASKS = token<BackgroundTasks>('BackgroundTasks');

/** Settings the identity use cases need from configuration. */
export interface IdentitySettings {
  /** Base URL of the storefront, for links in mails (no trailing slash). */
  readonly frontendUrl: string;
  readonly resetTokenTtlMs: number;
  /** The server key reset links are derived with (reset-links.ts); the same on every instance. */
  readonly resetLinkKey: string;
  readonly adminEmail: string;
  /** When unset, the startup task generates one (logged once only when `revealGeneratedAdminPassword`). */
  readonly adminPassword: string | undefined;
  /** False in production: a generated admin password is never written to the log there. */
  readonly revealGeneratedAdminPassword: boolean;
  /**
   * After a logout, safe reads (GET/HEAD) with the logged-out token still pass for this long, so
   * requests already in flight (the storefront's wishlist polls) are not answered 401, which the
   * storefront treats as an expired session. Writes are refused at once. 0: no grace.
   */
  readonly logoutGraceMs: number;
  /**
   * Logins of one IP being checked at once (each waits for a password hash); more are refused at
   * once, so one address cannot fill the hashing queue. Unset: no bound.
   */
  readonly maxConcurrentLoginsPerIp?: number;
}
export const IDENTITY_SETTINGS = token<IdentitySettings>('IdentitySettings');

// --- multi-factor sign-in (TOTP, issue 13; use cases in mfa.ts) ---------------------------------

/** TOTP (RFC 6238: SHA1, 6 digits, 30 s steps) and its enrolment QR code; crypto lives in the adapter. */
export interface TotpAuthenticator {
  /** A new random secret (20 bytes), base32. */
  generateSecret(): string;
  /** The `otpauth://totp/...` URI an authenticator app enrols from; `label` names the account. */
  uri(secret: string, label: string): string;
  /** The URI as a QR code, a PNG data URL. */
  qrCode(uri: string): Promise<string>;
  /** The time step whose code `code` is, among the step of `now` and its neighbours (±1); else null. */
  stepOf(secret: string, code: string, now: Date): number | null;
}
export const TOTP_AUTHENTICATOR = token<TotpAuthenticator>('TotpAuthenticator');

/**
 * Login challenges of accounts with MFA, by the digest of their token: short-lived and used
 * once (the one `consume` that removes a challenge wins; every other answers false).
 */
export interface MfaChallengeStore {
  save(tokenHash: string, userId: string, expiresAt: Date): Promise<void>;
  /** The user of a live (unexpired, unconsumed) challenge; else null. */
  find(tokenHash: string, now: Date): Promise<string | null>;
  consume(tokenHash: string): Promise<boolean>;
}
export const MFA_CHALLENGE_STORE = token<MfaChallengeStore>('MfaChallengeStore');

export interface MfaSettings {
  /** The issuer an authenticator app shows ("Amour Florals"). */
  readonly issuer: string;
  /** How long a login challenge lasts. */
  readonly challengeTtlMs: number;
  /** MFA_REQUIRED_FOR_ADMINS: admin-only routes refuse admins without MFA (403 MFA_SETUP_REQUIRED). */
  readonly requiredForAdmins: boolean;
}
export const MFA_SETTINGS = token<MfaSettings>('MfaSettings');
