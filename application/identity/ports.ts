import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Principal, User } from '../../domain/identity/user.js';

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
}
export const USER_REPOSITORY = Symbol.for('UserRepository');

/**
 * Turns a bearer token into a Principal (used by every driving adapter: HTTP, WebSocket, CLI).
 * Errors: NOT_AUTHENTICATED (missing, malformed, badly signed, expired or revoked),
 * USER_NO_LONGER_EXISTS, USER_DEACTIVATED.
 */
export interface Authenticator {
  authenticate(token: string | undefined): Promise<Result<Principal, AuthError>>;
}

/** An authentication failure; `userId` names the account when one was identified (for the audit log, never sent). */
export interface AuthError extends DomainError {
  readonly userId?: string;
  readonly role?: User['role'];
}
export const AUTHENTICATOR = Symbol.for('Authenticator');

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

export const AUDIT_RESOURCES = ['product', 'order', 'category', 'user', 'auth', 'system'] as const;
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
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(page: number, limit: number): Promise<{ items: AuditEntry[]; total: number }>;
}
export const AUDIT_LOG = Symbol.for('AuditLog');
