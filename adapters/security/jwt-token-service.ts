import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { TokenClaims, TokenService } from '../../application/identity/ports.js';

const ID = /^[0-9a-f]{24}$/;
/** Alphanumeric only: with ASCII JSON, only `>`, `?`, `~` (and DEL) can make base64url yield `-`/`_`. */
const SID = /^[0-9A-Za-z]{1,64}$/;
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * HS256 JWTs with payload exactly `{id, sid, iat, exp}` (`{id, iat, exp}` without a session; compat 0.3: ASCII only, so the storefront's
 * `atob` can read it). `iat`/`exp` come from the caller's clock, never the system clock.
 */
export class JwtTokenService implements TokenService {
  /**
   * Built once: given a string, jsonwebtoken creates a KeyObject on every call, which was a
   * third of the CPU of an authenticated request (GET /wishlist is polled many times a second).
   */
  private readonly key: KeyObject;
  /**
   * Tokens this instance verified, with their claims (oldest dropped first beyond
   * VERIFIED_CACHE_SIZE): a polled route sees the same token many times a second, and the
   * signature check and payload parse were a tenth of an authenticated request's CPU. Only the
   * signature and shape are remembered; expiry is checked on every call, and revocation,
   * sessions and password changes are checked by the authenticator after this, every time.
   */
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    secret: string,
    private readonly lifetimeSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(userId: string, nowSeconds: number, sessionId?: string): { token: string; claims: TokenClaims } {
    if (sessionId !== undefined && !SID.test(sessionId)) throw new Error('session id must be alphanumeric');
    const claims: TokenClaims = {
      userId,
      issuedAt: nowSeconds,
      expiresAt: nowSeconds + this.lifetimeSeconds,
      ...(sessionId !== undefined ? { sessionId } : {}),
    };
    const payload =
      sessionId !== undefined
        ? { id: userId, sid: sessionId, iat: claims.issuedAt, exp: claims.expiresAt }
        : { id: userId, iat: claims.issuedAt, exp: claims.expiresAt };
    const token = jwt.sign(payload, this.key, { algorithm: 'HS256' });
    return { token, claims };
  }

  verify(token: string, nowSeconds: number): TokenClaims | null {
    // A token verified before (same bytes, same key) needs only its expiry checked again.
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (nowSeconds < known.expiresAt) return known;
      this.verified.delete(token);
      return null;
    }
    const claims = this.verifyFully(token, nowSeconds);
    if (claims !== null) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) {
        this.verified.delete(this.verified.keys().next().value!);
      }
      this.verified.set(token, claims);
    }
    return claims;
  }

  private verifyFully(token: string, nowSeconds: number): TokenClaims | null {
    try {
      const payload = jwt.verify(token, this.key, { algorithms: ['HS256'], clockTimestamp: nowSeconds });
      if (typeof payload !== 'object' || payload === null) return null;
      const { id, sid, iat, exp } = payload as { id?: unknown; sid?: unknown; iat?: unknown; exp?: unknown };
      if (typeof id !== 'string' || !ID.test(id)) return null;
      if (typeof iat !== 'number' || typeof exp !== 'number') return null;
      if (sid !== undefined && (typeof sid !== 'string' || !SID.test(sid))) return null;
      return {
        userId: id,
        issuedAt: iat,
        expiresAt: exp,
        ...(typeof sid === 'string' ? { sessionId: sid } : {}),
      };
    } catch {
      return null;
    }
  }
}
