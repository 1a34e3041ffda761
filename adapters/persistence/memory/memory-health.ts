import type { DependencyHealth, HealthIndicator } from '../../../application/health/ports.js';

/** The embedded store lives in this process: it is up whenever the process answers. */
export class MemoryStoreHealth implements HealthIndicator {
  async check(): Promise<DependencyHealth> {
    return { name: 'memory-store', role: 'persistence', status: 'up', detail: 'embedded in-memory store' };
  }
}
