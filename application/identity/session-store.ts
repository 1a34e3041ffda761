import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { deviceOf, tokenIssuedAt, type User } from '../../domain/identity/user.js';
import { deviceNameOf, recordDevice, sessionOfRefreshToken } from '../../domain/identity/session.js';
import type { Clock, IdGenerator, RandomSource } from '../shared/ports.js';
import type {
  SecretDigest,
  Session,
  SessionIssuer,
  SessionStore,
  SignInContext,
  StoredSession,
  TokenService,
  UserRepository,
} from './ports.js';
import { modifyUser } from './save-user.js';

/** At most this many sessions are listed (the most recently used). */
export const SESSIONS_LISTED_MAX = 100;
/**
 * A refresh token rotated away less than this long ago, presented again, is taken for a parallel
 * duplicate of the rotation (refused, session kept), not for theft: an older one, or the same
 * later, revokes the session.
 */
export const REFRESH_DUPLICATE_WINDOW_MS = 10_000;

export const sessionNotFound = (): DomainError => domainError('SESSION_NOT_FOUND', 'Session not found');
const refreshRefused = (): DomainError => domainError('REFRESH_TOKEN_INVALID', 'Invalid refresh token');

/** Whether a session still lets its tokens in at `now` (a logout's grace keeps safe reads). */
export function sessionIsLive(session: StoredSession, now: Date, safeRead = false): boolean {
  if (session.revokedAt === undefined) return true;
  return safeRead && session.readsUntil !== undefined && session.readsUntil.getTime() > now.getTime();
}

/** A session begun before the user's last password change is over (its tokens are refused). */
export function sessionPredatesPassword(session: StoredSession, user: User): boolean {
  return (
    user.passwordChangedAt !== undefined && session.createdAt.getTime() < user.passwordChangedAt.getTime()
  );
}

/**
 * Every sign-in is a stored session: its id travels in the token (`sid`), so revoking it ends
 * every token of it on every instance (the store is the shared source of truth). The device
 * also heads the user's deviceInfo. A refresh token, when asked for, is random and stored as a
 * digest only.
 */
export class StoredSessions implements SessionIssuer {
  constructor(
    private readonly store: SessionStore,
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
    private readonly digest: SecretDigest,
    private readonly ids: IdGenerator,
    private readonly random: RandomSource,
  ) {}

  async start(user: User, now: Date, context: SignInContext): Promise<Session> {
    const id = this.ids.next();
    const userAgent = context.userAgent?.trim();
    const device = userAgent ? deviceOf(userAgent) : undefined;
    const refreshToken = context.withRefreshToken ? `${id}.${this.random.hex(32)}` : undefined;
    await this.store.create({
      id,
      userId: user.id,
      ...(device ? { deviceId: device.deviceId, platform: device.platform } : {}),
      ...(userAgent ? { deviceName: deviceNameOf(userAgent) } : {}),
      ...(context.ip ? { ip: context.ip } : {}),
      createdAt: now,
      lastUsedAt: now,
      ...(refreshToken ? { refreshDigest: this.digest.digest(refreshToken) } : {}),
      refreshGeneration: 0,
      retiredDigests: [],
    });
    let signedIn = user;
    if (device && recordDevice(user, now, device) !== user) {
      const saved = await modifyUser(this.users, user.id, (u) => Ok(recordDevice(u, now, device)));
      if (saved.isOk()) signedIn = saved.value;
    }
    const token = this.tokens.sign(user.id, tokenIssuedAt(signedIn, now), id).token;
    return { user: signedIn, token, sessionId: id, ...(refreshToken ? { refreshToken } : {}) };
  }
}

/**
 * POST /api/auth/refresh: a live refresh token gives a new access token and a NEW refresh token
 * (rotation, one guarded write: of parallel refreshes with one token exactly one wins). A token
 * already rotated away, presented again, revokes the whole session (reuse: someone else holds a
 * copy). Every refusal is REFRESH_TOKEN_INVALID with the same text.
 */
export class RefreshSession {
  constructor(
    private readonly store: SessionStore,
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
    private readonly digest: SecretDigest,
    private readonly random: RandomSource,
    private readonly clock: Clock,
  ) {}

  async execute(input: { refreshToken: string }): Promise<Result<Session, DomainError>> {
    const id = sessionOfRefreshToken(input.refreshToken);
    if (!id) return Err(refreshRefused());
    const session = await this.store.find(id);
    if (!session || !sessionIsLive(session, this.clock.now())) return Err(refreshRefused());
    const user = await this.users.findById(session.userId);
    if (!user || sessionPredatesPassword(session, user)) return Err(refreshRefused());
    if (!user.isActive) return Err(domainError('USER_DEACTIVATED', 'User account is deactivated'));
    const now = this.clock.now();
    const next = `${id}.${this.random.hex(32)}`;
    const outcome = await this.store.rotate(
      id,
      this.digest.digest(input.refreshToken),
      this.digest.digest(next),
      now,
      new Date(now.getTime() - REFRESH_DUPLICATE_WINDOW_MS),
    );
    if (outcome.kind !== 'rotated') return Err(refreshRefused());
    const token = this.tokens.sign(user.id, tokenIssuedAt(user, now), id).token;
    return Ok({ user, token, sessionId: id, refreshToken: next });
  }
}

export interface SessionView {
  readonly session: StoredSession;
  readonly current: boolean;
}

/** The user's live sessions, most recently used first; `current` marks the caller's. */
export class ListSessions {
  constructor(
    private readonly store: SessionStore,
    private readonly users: UserRepository,
  ) {}

  async execute(input: { userId: string; currentSessionId?: string }): Promise<SessionView[]> {
    const [sessions, user] = await Promise.all([
      this.store.listLive(input.userId, SESSIONS_LISTED_MAX),
      this.users.findById(input.userId),
    ]);
    return sessions
      .filter((s) => !user || !sessionPredatesPassword(s, user))
      .map((session) => ({ session, current: session.id === input.currentSessionId }));
  }
}

/** Ends one of the user's sessions at once (no grace); another user's id is SESSION_NOT_FOUND. */
export class RevokeSession {
  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
  ) {}

  async execute(input: { userId: string; sessionId: string }): Promise<Result<{ revoked: 1 }, DomainError>> {
    const revoked = await this.store.revoke(input.userId, input.sessionId, this.clock.now());
    return revoked ? Ok({ revoked: 1 }) : Err(sessionNotFound());
  }
}

/**
 * Ends the user's other sessions (the caller's survives), or every one with `includeCurrent`.
 * Tokens issued before sessions were stored (no `sid`) are not reached: they end with their expiry,
 * a password change or a logout.
 */
export class RevokeAllSessions {
  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
  ) {}

  async execute(input: {
    userId: string;
    currentSessionId?: string;
    includeCurrent: boolean;
  }): Promise<{ revoked: number }> {
    const except = input.includeCurrent ? undefined : input.currentSessionId;
    return { revoked: await this.store.revokeAll(input.userId, this.clock.now(), except) };
  }
}
