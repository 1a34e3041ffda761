import type { Redis } from 'ioredis';
import type { DependencyHealth, HealthIndicator } from '../../application/health/ports.js';

const PING_TIMEOUT_MS = 1000;

/**
 * Redis is never essential: without it the API still answers (cache bypassed, rate limits not
 * enforced, revocations checked in this process), so unreachable is `degraded`, not `down`.
 */
export class RedisHealth implements HealthIndicator {
  constructor(private readonly redis: Redis) {}

  async check(): Promise<DependencyHealth> {
    const started = process.hrtime.bigint();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
        }),
      ]);
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { name: 'redis', role: 'cache', status: 'up', latencyMs: Math.round(latencyMs * 10) / 10 };
    } catch (error) {
      return {
        name: 'redis',
        role: 'cache',
        status: 'degraded',
        detail:
          `unreachable (${error instanceof Error ? error.message : String(error)}): cache bypassed, ` +
          'rate limits not enforced, token revocations checked in this instance only',
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
