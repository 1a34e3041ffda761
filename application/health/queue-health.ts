import type { JobQueue } from '../shared/job-queue.js';
import type { DependencyHealth, HealthIndicator } from './ports.js';

/**
 * The job queue: up when its counts answer (BullMQ: Redis reachable), with the jobs waiting and
 * dead (the dead-letter state) as detail. Unreachable is degraded, not down: like Redis itself, the
 * API keeps answering and background work waits until the queue is back.
 */
export class QueueHealth implements HealthIndicator {
  constructor(
    private readonly queue: JobQueue,
    private readonly queues: readonly string[],
  ) {}

  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    const base = { name: 'queue', role: 'background jobs' } as const;
    try {
      const counts = await Promise.all(this.queues.map((q) => this.queue.counts(q)));
      const latencyMs = Math.round(performance.now() - started);
      const waiting = counts.reduce((n, c) => n + c.waiting + c.delayed, 0);
      const dead = counts.reduce((n, c) => n + c.dead, 0);
      return {
        ...base,
        status: 'up',
        latencyMs,
        detail: `${waiting} waiting, ${dead} dead`,
      };
    } catch {
      return {
        ...base,
        status: 'degraded',
        latencyMs: Math.round(performance.now() - started),
        detail: 'unreachable: background jobs wait until it answers',
      };
    }
  }
}
