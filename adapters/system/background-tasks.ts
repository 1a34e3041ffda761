import type { BackgroundTasks } from '../../application/identity/ports.js';
import type { AppLogger } from '../../application/shared/ports.js';

/**
 * Runs each task in this process after the current request has been answered (setImmediate), and
 * remembers it until it ends, so `drain` can wait for them (graceful shutdown, tests). A failure
 * is logged with the task's name.
 */
export class InProcessBackgroundTasks implements BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: AppLogger) {}

  run(name: string, work: () => Promise<void>): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) =>
        this.logger.error('background task failed', { task: name, error: String(error) }),
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Tasks started and not yet ended. */
  get pending(): number {
    return this.running.size;
  }

  /** Waits for the tasks running now (and those they start), at most `timeoutMs`. */
  async drain(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadline - Date.now());
        timer.unref();
      });
      await Promise.race([Promise.allSettled([...this.running]), timeout]);
      clearTimeout(timer);
    }
  }
}
