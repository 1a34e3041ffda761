import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError } from '../../domain/shared/errors.js';
import {
  ACTIVITY_WRITE_INTERVAL_MS,
  activityIsStale,
  tokenPredatesPasswordChange,
  type Principal,
  type User,
} from '../../domain/identity/user.js';
import type { Clock } from '../shared/ports.js';
import { sessionIsLive } from './session-store.js';
import type {
  AuthError,
  Authenticator,
  SecretDigest,
  SessionStore,
  TokenRevocationStore,
  TokenService,
  UserRepository,
} from './ports.js';

export const NOT_AUTHORIZED_MESSAGE = 'Not authorized to access this route';

function authError(
  code: AuthError['code'],
  message: string,
  user?: { id: string; role?: User['role'] },
): AuthError {
  return {
    ...domainError(code, message),
    ...(user ? { userId: user.id } : {}),
    ...(user?.role ? { role: user.role } : {}),
  };
}

/**
 * Bearer token -> Principal (compat 0.5 messages): missing, malformed, badly signed, expired,
 * revoked or pre-password-change tokens are all NOT_AUTHENTICATED with the same text.
 */
export class TokenAuthenticator implements Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UserRepository,
    private readonly revocations: TokenRevocationStore,
    private readonly digest: SecretDigest,
    private readonly clock: Clock,
    /** Sign-in sessions: a token naming a revoked (or unknown) one is refused. */
    private readonly sessions?: SessionStore,
  ) {}

  async authenticate(
    token: string | undefined,
    options: { readonly safeRead?: boolean } = {},
  ): Promise<Result<Principal, AuthError>> {
    if (!token) return Err(authError('NOT_AUTHENTICATED', NOT_AUTHORIZED_MESSAGE));
    const now = this.clock.now();
    const claims = this.tokens.verify(token, Math.floor(now.getTime() / 1000));
    if (!claims) return Err(authError('NOT_AUTHENTICATED', NOT_AUTHORIZED_MESSAGE));
    const tokenId = this.digest.digest(token);
    // A logout's grace covers safe reads only; the password-change and deactivation checks
    // below have none.
    if (await this.revocations.isRevoked(tokenId, now, options.safeRead === true)) {
      return Err(authError('NOT_AUTHENTICATED', NOT_AUTHORIZED_MESSAGE, { id: claims.userId }));
    }
    // The session is read from the shared store on every request, so a revocation made on any
    // instance holds here at once. Tokens without `sid` (issued before) pass until they expire.
    const session =
      claims.sessionId !== undefined && this.sessions
        ? await this.sessions.find(claims.sessionId)
        : undefined;
    if (
      session === null ||
      (session &&
        (session.userId !== claims.userId || !sessionIsLive(session, now, options.safeRead === true)))
    ) {
      return Err(authError('NOT_AUTHENTICATED', NOT_AUTHORIZED_MESSAGE, { id: claims.userId }));
    }
    const user = await this.users.findById(claims.userId);
    if (!user) return Err(authError('USER_NO_LONGER_EXISTS', 'User no longer exists', { id: claims.userId }));
    if (!user.isActive) return Err(authError('USER_DEACTIVATED', 'User account is deactivated', user));
    if (tokenPredatesPasswordChange(user, claims.issuedAt)) {
      return Err(authError('NOT_AUTHENTICATED', NOT_AUTHORIZED_MESSAGE, user));
    }
    // lastActiveAt: at most one write per user per ACTIVITY_WRITE_INTERVAL_MS (the loaded user
    // says whether one is due; the guarded write keeps parallel requests to one).
    let seen = user;
    if (activityIsStale(user, now)) {
      const notBefore = new Date(now.getTime() - ACTIVITY_WRITE_INTERVAL_MS);
      if (await this.users.touchActivity(user.id, now, notBefore)) seen = { ...user, lastActiveAt: now };
    }
    // The session's lastUsedAt: the same rule (one guarded write per interval).
    if (
      session &&
      this.sessions &&
      now.getTime() - session.lastUsedAt.getTime() >= ACTIVITY_WRITE_INTERVAL_MS
    ) {
      await this.sessions.touch(session.id, now, new Date(now.getTime() - ACTIVITY_WRITE_INTERVAL_MS));
    }
    return Ok({
      user: seen,
      tokenId,
      tokenExpiresAt: new Date(claims.expiresAt * 1000),
      ...(claims.sessionId !== undefined ? { sessionId: claims.sessionId } : {}),
    });
  }
}
