import type { Redis } from 'ioredis';
import type {
  ClaimOutcome,
  ClaimRequest,
  IdempotencyStore,
  StoredResponse,
} from '../../application/idempotency/ports.js';
import type { PiiCipher } from '../../application/shared/pii.js';

interface IdempotencyRecord {
  fingerprint: string;
  token: string;
  state: 'in_progress' | 'completed';
  /** Epoch ms: the end of the claim's lease, or of the answer's retention. */
  expiresAt: number;
  response?: StoredResponse;
}

// Each script runs atomically on Redis. Records also carry their own expiry (checked against the
// caller's clock) besides the key's PX, so a record is live exactly as long on every store.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then
  local record = cjson.decode(current)
  if tonumber(record.expiresAt) > tonumber(ARGV[2]) then return current end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return false`;

const COMPLETE = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local record = cjson.decode(current)
if record.token ~= ARGV[1] or record.state ~= 'in_progress' then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

const RELEASE = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local record = cjson.decode(current)
if record.token ~= ARGV[1] or record.state ~= 'in_progress' then return 0 end
return redis.call('DEL', KEYS[1])`;

/**
 * Idempotency records on Redis (`<prefix>idem:<scoped key>`, JSON, expiring with their lease or
 * retention): claim, complete and release are Lua scripts, so each is one atomic step shared by
 * every instance. Redis being away is an error for the request (answered 500, nothing stored): a
 * payment retried while the store cannot tell whether it already ran must not run twice.
 *
 * With a `cipher` a stored answer's body is sealed (it repeats an order's address, a profile), as
 * on MongoDB; bodies stored plain before stay readable. Bound with the cipher when the data keys
 * are durable (MongoDB), so an answer sealed before a restart can still be opened after it.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cipher?: PiiCipher,
  ) {}

  private redisKey(key: string): string {
    return `${this.prefix}idem:${key}`;
  }

  async claim({ key, fingerprint, token, now, leaseMs }: ClaimRequest): Promise<ClaimOutcome> {
    const record: IdempotencyRecord = {
      fingerprint,
      token,
      state: 'in_progress',
      expiresAt: now.getTime() + leaseMs,
    };
    const current = (await this.redis.eval(
      CLAIM,
      1,
      this.redisKey(key),
      JSON.stringify(record),
      String(now.getTime()),
      String(Math.max(1, leaseMs)),
    )) as string | null;
    if (current === null) return { kind: 'claimed' };
    const held = JSON.parse(current) as IdempotencyRecord;
    if (held.state !== 'completed' || !held.response) {
      return { kind: 'in_progress', fingerprint: held.fingerprint };
    }
    const body = this.cipher ? await this.cipher.openAll(held.response.body) : held.response.body;
    return { kind: 'completed', fingerprint: held.fingerprint, response: { ...held.response, body } };
  }

  async complete(
    key: string,
    token: string,
    response: StoredResponse,
    now: Date,
    retainMs: number,
  ): Promise<void> {
    const current = await this.redis.get(this.redisKey(key));
    if (current === null) return;
    const held = JSON.parse(current) as IdempotencyRecord;
    if (this.cipher) await this.cipher.ready();
    const body = this.cipher ? this.cipher.seal(response.body) : response.body;
    const record: IdempotencyRecord = {
      ...held,
      state: 'completed',
      expiresAt: now.getTime() + retainMs,
      response: { ...response, body },
    };
    await this.redis.eval(
      COMPLETE,
      1,
      this.redisKey(key),
      token,
      JSON.stringify(record),
      String(Math.max(1, retainMs)),
    );
  }

  async release(key: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.redisKey(key), token);
  }
}
