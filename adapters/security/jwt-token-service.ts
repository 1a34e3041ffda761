import jwt from 'jsonwebtoken';
import type { TokenClaims, TokenService } from '../../application/identity/ports.js';

const ID = /^[0-9a-f]{24}$/;

/**
 * HS256 JWTs with payload exactly `{id, iat, exp}` (compat 0.3: ASCII only, so the storefront's
 * `atob` can read it). `iat`/`exp` come from the caller's clock, never the system clock.
 */
export class JwtTokenService implements TokenService {
  constructor(
    private readonly secret: string,
    private readonly lifetimeSeconds: number,
  ) {}

  sign(userId: string, nowSeconds: number): { token: string; claims: TokenClaims } {
    const claims: TokenClaims = {
      userId,
      issuedAt: nowSeconds,
      expiresAt: nowSeconds + this.lifetimeSeconds,
    };
    const token = jwt.sign({ id: userId, iat: claims.issuedAt, exp: claims.expiresAt }, this.secret, {
      algorithm: 'HS256',
    });
    return { token, claims };
  }

  verify(token: string, nowSeconds: number): TokenClaims | null {
    try {
      const payload = jwt.verify(token, this.secret, { algorithms: ['HS256'], clockTimestamp: nowSeconds });
      if (typeof payload !== 'object' || payload === null) return null;
      const { id, iat, exp } = payload as { id?: unknown; iat?: unknown; exp?: unknown };
      if (typeof id !== 'string' || !ID.test(id)) return null;
      if (typeof iat !== 'number' || typeof exp !== 'number') return null;
      return { userId: id, issuedAt: iat, expiresAt: exp };
    } catch {
      return null;
    }
  }
}
