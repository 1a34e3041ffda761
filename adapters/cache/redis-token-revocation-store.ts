import type { Redis } from 'ioredis';
import { revokedAt, shorterGrace, type TokenRevocationStore } from '../../application/identity/ports.js';
import type { AppLogger } from '../../application/shared/ports.js';
import { OutageLog } from './outage.js';

const LOCAL_SWEEP_ABOVE = 10_000;
/** Kept in Redis at least this long, whatever the caller's clock says. */
const MIN_KEEP_MS = 60_000;

interface Revocation {
  readonly until: number;
  /** Safe reads still pass until then (a logout's grace); absent: none. */
  readonly readsUntil?: number | undefined;
}

/**
 * KEYS: revoked key, grace key. ARGV: until (ms), keep (ms), readsUntil (ms, '' for none),
 * keep of the grace key (ms). Atomic, so a revocation can shorten or end a grace but never extend one (nor
 * give one to a token already revoked without).
 */
const REVOKE_SCRIPT = `
local existed = redis.call('EXISTS', KEYS[1]) == 1
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] == '' then
  redis.call('DEL', KEYS[2])
  return 0
end
if existed then
  local current = redis.call('GET', KEYS[2])
  if not current or tonumber(current) <= tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1
`;

/**
 * Revoked token ids in Redis (`<prefix>revoked:<tokenId>` = the epoch ms until which the token
 * counts as revoked, expiring then), so a logout on one instance is honoured by every other. A
 * logout's grace for safe reads is a second key, `<prefix>revoked-reads:<tokenId>` = the epoch ms
 * until which GET/HEAD still pass (a separate key, so instances of the previous version keep
 * reading the first one unchanged).
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
  private readonly known = new Map<string, Revocation>();
  private readonly pending = new Map<string, Revocation>();
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

  private graceKey(tokenId: string): string {
    return `${this.prefix}revoked-reads:${tokenId}`;
  }

  /** Merges into what this instance knows: a grace can only get shorter. */
  private remember(tokenId: string, revocation: Revocation): Revocation {
    if (this.known.size > LOCAL_SWEEP_ABOVE) {
      const now = Date.now();
      for (const [id, at] of this.known) if (at.until <= now) this.known.delete(id);
    }
    const previous = this.known.get(tokenId);
    const merged: Revocation = previous
      ? { until: revocation.until, readsUntil: shorterGrace(previous.readsUntil, revocation.readsUntil) }
      : revocation;
    this.known.set(tokenId, merged);
    return merged;
  }

  private async write(tokenId: string, { until, readsUntil }: Revocation): Promise<void> {
    const now = Date.now();
    const keepMs = Math.max(until - now, MIN_KEEP_MS);
    await this.redis.eval(
      REVOKE_SCRIPT,
      2,
      this.key(tokenId),
      this.graceKey(tokenId),
      String(until),
      String(keepMs),
      readsUntil === undefined ? '' : String(readsUntil),
      // Kept as long as the revocation: the value decides, not the key's life (instances' clocks differ).
      String(keepMs),
    );
  }

  private async flush(): Promise<void> {
    for (const [tokenId, revocation] of [...this.pending]) {
      await this.write(tokenId, revocation);
      // A newer revocation of the same token may have been queued meanwhile: keep that one.
      if (this.pending.get(tokenId) === revocation) this.pending.delete(tokenId);
    }
  }

  async revoke(tokenId: string, until: Date, readsUntil?: Date): Promise<void> {
    const revocation = this.remember(tokenId, { until: until.getTime(), readsUntil: readsUntil?.getTime() });
    if (this.durable) await this.durable.revoke(tokenId, until, readsUntil);
    this.pending.set(tokenId, revocation);
    try {
      await this.flush();
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    }
  }

  async isRevoked(tokenId: string, now: Date, safeRead = false): Promise<boolean> {
    const local = this.known.get(tokenId);
    if (revokedAt(local, now, safeRead)) return true;
    try {
      if (this.pending.size > 0) await this.flush();
      const [raw, rawGrace] = await this.redis.mget(this.key(tokenId), this.graceKey(tokenId));
      this.outage.succeeded();
      if (raw === null || raw === undefined) return false;
      const until = Number(raw);
      if (!(until > now.getTime())) return false;
      const grace = rawGrace === null || rawGrace === undefined ? undefined : Number(rawGrace);
      const known = this.remember(tokenId, { until, readsUntil: Number.isFinite(grace) ? grace : undefined });
      return revokedAt(known, now, safeRead);
    } catch (error) {
      this.outage.failed(error);
      if (this.durable) return this.durable.isRevoked(tokenId, now, safeRead);
      return revokedAt(local, now, safeRead);
    }
  }
}
