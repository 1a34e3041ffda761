import type { Redis } from 'ioredis';
import type { TokenRevocationStore } from '../../application/identity/ports.js';
import type { AppLogger } from '../../application/shared/ports.js';
import { OutageLog } from './outage.js';

const LOCAL_SWEEP_ABOVE = 10_000;
/** Kept in Redis at least this long, whatever the caller's clock says. */
const MIN_KEEP_MS = 60_000;

/**
 * Revoked token ids in Redis (`<prefix>revoked:<tokenId>` = the epoch ms until which the token
 * counts as revoked, expiring then), so a logout on one instance is honoured by every other.
 *
 * With a `durable` store (MongoDB), every revocation is also written there, and while Redis is
 * away the checks ask it instead: nothing is lost. Redis is then the fast shared check, and
 * revocations survive a restart of the API (a Redis without persistence loses its copy).
 *
 * Without one, Redis away means FAIL-OPEN with a local memory. Failing closed would answer 401
 * to every authenticated request during the outage, and the storefront logs the shopper out on a
 * 401: one Redis blip would sign out every shopper. Instead each instance remembers the
 * revocations it made and those it has seen in Redis, and keeps honouring them; a revocation made
 * while Redis is away is honoured here at once and written to Redis when it returns. What is lost
 * during such an outage: a token revoked by ANOTHER instance, not yet seen here, is accepted
 * until Redis is back.
 */
export class RedisTokenRevocationStore implements TokenRevocationStore {
  private readonly known = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  private readonly outage: OutageLog;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    logger: AppLogger,
    private readonly durable: TokenRevocationStore | null = null,
  ) {
    this.outage = new OutageLog(
      logger,
      'token revocation',
      durable ? 'checked in the database' : 'checked in this instance only (fail-open)',
    );
    // Revocations made while Redis was away reach it as soon as it is back.
    redis.on('ready', () => {
      if (this.pending.size > 0) this.flush().catch(() => undefined);
    });
  }

  private key(tokenId: string): string {
    return `${this.prefix}revoked:${tokenId}`;
  }

  private remember(tokenId: string, until: number): void {
    if (this.known.size > LOCAL_SWEEP_ABOVE) {
      const now = Date.now();
      for (const [id, at] of this.known) if (at <= now) this.known.delete(id);
    }
    this.known.set(tokenId, until);
  }

  private async write(tokenId: string, until: number): Promise<void> {
    const keepMs = Math.max(until - Date.now(), MIN_KEEP_MS);
    await this.redis.set(this.key(tokenId), String(until), 'PX', keepMs);
  }

  private async flush(): Promise<void> {
    for (const [tokenId, until] of [...this.pending]) {
      await this.write(tokenId, until);
      this.pending.delete(tokenId);
    }
  }

  async revoke(tokenId: string, until: Date): Promise<void> {
    this.remember(tokenId, until.getTime());
    if (this.durable) await this.durable.revoke(tokenId, until);
    this.pending.set(tokenId, until.getTime());
    try {
      await this.flush();
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    }
  }

  async isRevoked(tokenId: string, now: Date): Promise<boolean> {
    const localUntil = this.known.get(tokenId);
    if (localUntil !== undefined && localUntil > now.getTime()) return true;
    try {
      if (this.pending.size > 0) await this.flush();
      const raw = await this.redis.get(this.key(tokenId));
      this.outage.succeeded();
      if (raw === null) return false;
      const until = Number(raw);
      if (!(until > now.getTime())) return false;
      this.remember(tokenId, until);
      return true;
    } catch (error) {
      this.outage.failed(error);
      return this.durable ? this.durable.isRevoked(tokenId, now) : false;
    }
  }
}
