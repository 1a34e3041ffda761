import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AppLogger, Cache } from '../../application/shared/ports.js';
import { decode, encode } from './json-codec.js';
import { OutageLog } from './outage.js';

/**
 * Cache shared by every instance on one Redis. Each namespace has a generation (a random tag
 * under `<prefix>cache:<ns>:gen`, started at random too, so it never repeats after a flush); entries live under `<prefix>cache:<ns>:<generation>:<key>`
 * with the entry's TTL. `invalidate` sets a new generation: one command, seen by every instance
 * at their next read, and the old entries simply expire. The generation is read per request
 * (before the store is asked), so a value computed before an invalidation lands under the old
 * generation and is never served again.
 *
 * While Redis is away every read is a miss (the caller computes) and invalidations are kept and
 * replayed before this instance serves from the cache again.
 */
export class RedisCache implements Cache {
  private readonly pending = new Set<string>();
  private readonly outage: OutageLog;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    logger: AppLogger,
  ) {
    this.outage = new OutageLog(logger, 'cache', 'bypassed (answers computed from the store)');
    // Invalidations missed while Redis was away are replayed as soon as it is back.
    redis.on('ready', () => {
      if (this.pending.size > 0) this.replayInvalidations().catch(() => undefined);
    });
  }

  private generationKey(namespace: string): string {
    return `${this.prefix}cache:${namespace}:gen`;
  }

  private entryKey(namespace: string, generation: string, key: string): string {
    const k = key.length > 120 ? createHash('sha256').update(key).digest('base64url') : key;
    return `${this.prefix}cache:${namespace}:${generation}:${k}`;
  }

  private async replayInvalidations(): Promise<void> {
    for (const namespace of [...this.pending]) {
      await this.redis.set(this.generationKey(namespace), randomBytes(8).toString('hex'));
      this.pending.delete(namespace);
    }
  }

  /**
   * The namespace's generation. A missing one (never set, or Redis was flushed or lost its data)
   * is started as a fresh random tag, never a fixed value: an answer an instance cached in
   * process under the generation before the flush must not match the one after it. `SET NX`
   * lets the first instance's tag win; the others read it back.
   */
  private async currentGeneration(namespace: string): Promise<string> {
    if (this.pending.size > 0) await this.replayInvalidations();
    const key = this.generationKey(namespace);
    const current = await this.redis.get(key);
    if (current !== null) return current;
    const fresh = randomBytes(8).toString('hex');
    if ((await this.redis.set(key, fresh, 'NX')) === 'OK') return fresh;
    return (await this.redis.get(key)) ?? fresh;
  }

  private async lookup<T>(
    namespace: string,
    key: string,
  ): Promise<{ generation: string; value: T | undefined } | null> {
    try {
      const generation = await this.currentGeneration(namespace);
      const raw = await this.redis.get(this.entryKey(namespace, generation, key));
      this.outage.succeeded();
      return { generation, value: raw === null ? undefined : decode<T>(raw) };
    } catch (error) {
      this.outage.failed(error);
      return null;
    }
  }

  private async store(
    namespace: string,
    generation: string,
    key: string,
    value: unknown,
    ttlSeconds: number,
  ) {
    try {
      const ms = Math.max(1, Math.round(ttlSeconds * 1000));
      await this.redis.set(this.entryKey(namespace, generation, key), encode(value), 'PX', ms);
    } catch (error) {
      this.outage.failed(error);
    }
  }

  async get<T>(namespace: string, key: string): Promise<T | undefined> {
    return (await this.lookup<T>(namespace, key))?.value;
  }

  async set<T>(namespace: string, key: string, value: T, ttlSeconds: number): Promise<void> {
    try {
      const generation = await this.currentGeneration(namespace);
      await this.store(namespace, generation, key, value, ttlSeconds);
    } catch (error) {
      this.outage.failed(error);
    }
  }

  async remember<T>(
    namespace: string,
    key: string,
    ttlSeconds: number,
    compute: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const found = await this.lookup<T>(namespace, key);
    if (found?.value !== undefined) return found.value;
    const value = await compute();
    if (found && value !== undefined) await this.store(namespace, found.generation, key, value, ttlSeconds);
    return value;
  }

  async generation(namespace: string): Promise<string | undefined> {
    try {
      const generation = await this.currentGeneration(namespace);
      this.outage.succeeded();
      return generation;
    } catch (error) {
      this.outage.failed(error);
      return undefined;
    }
  }

  /** Another instance may invalidate at any moment: the generation is only known by asking Redis. */
  localGeneration(): undefined {
    return undefined;
  }

  async invalidate(namespace: string): Promise<void> {
    this.pending.add(namespace);
    try {
      await this.replayInvalidations();
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    }
  }
}
