import type { StartupProgress } from '../application/health/ports.js';
import type { AppLogger, StartupTask } from '../application/shared/ports.js';

/** Start-up tasks not finished yet, by name; the readiness check reads it. */
export class StartupTracker implements StartupProgress {
  private readonly waiting = new Map<string, string>();

  pending(): readonly string[] {
    return [...this.waiting.entries()].map(([name, why]) => `${name}: ${why}`);
  }

  set(name: string, why: string): void {
    this.waiting.set(name, why);
  }

  done(name: string): void {
    this.waiting.delete(name);
  }
}

export interface StartupRun {
  /**
   * Resolves once every task has run, or as soon as one waits for an unreachable dependency:
   * the process then starts listening (database routes answer 503, readiness fails) while the
   * remaining work carries on in the background. Rejects when a task fails otherwise before that
   * (a bug or a misconfiguration stops the start, as it always did).
   */
  readonly settled: Promise<void>;
  /** Resolves when every task has finished (never rejects: later failures are logged). */
  readonly completed: Promise<void>;
  stop(): void;
}

export interface StartupOptions {
  /** Whether an error means "a dependency is unreachable" (then the task is retried). */
  readonly isUnavailable: (error: unknown) => boolean;
  readonly logger: AppLogger;
  readonly tracker: StartupTracker;
  /** Pause before the n-th retry of a task (n from 0). */
  readonly retryDelayMs?: (attempt: number) => number;
  /**
   * The tasks with `afterListening` start once this resolves (the API: its server is ready, so
   * they do not compete with it for the CPU); by default a macrotask after `settled`.
   */
  readonly afterListening?: Promise<unknown>;
}

const defaultDelay = (attempt: number) => Math.min(250 * 2 ** attempt, 2000);

/**
 * Runs the start-up tasks in their binding order. A task that fails because the database is
 * unreachable does not stop the start: the tasks after it still run (those that need the database
 * fail the same way and wait too), and the waiting ones are retried, in order, until they
 * succeed, so indexes, the admin account, the seed... appear once the database answers.
 * Tasks with `afterListening` run last, after `settled` (the process listens meanwhile).
 */
export function runStartupTasks(tasks: readonly StartupTask[], options: StartupOptions): StartupRun {
  const { isUnavailable, logger, tracker } = options;
  const delay = options.retryDelayMs ?? defaultDelay;
  let stopped = false;
  let wake: (() => void) | null = null;
  let settle!: () => void;
  let fail!: (error: unknown) => void;
  let isSettled = false;
  const settled = new Promise<void>((resolve, reject) => {
    settle = () => {
      isSettled = true;
      resolve();
    };
    fail = reject;
  });

  for (const task of tasks) tracker.set(task.name, 'not run yet');
  const first = tasks.filter((task) => !task.afterListening);
  const later = tasks.filter((task) => task.afterListening);
  const held = new Set<StartupTask>();
  const release = (task: StartupTask) => {
    if (held.delete(task)) task.afterListening?.release();
  };

  /** true: done; false: the database (or another dependency) is unreachable. */
  let current = '';
  const attempt = async (task: StartupTask): Promise<boolean> => {
    current = task.name;
    try {
      await task.run();
      tracker.done(task.name);
      return true;
    } catch (error) {
      if (isUnavailable(error)) {
        tracker.set(task.name, `waiting for the database (${String((error as Error).message ?? error)})`);
        return false;
      }
      throw error;
    } finally {
      release(task);
    }
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    const waiting: StartupTask[] = [];
    const runEach = async (list: readonly StartupTask[]): Promise<boolean> => {
      for (const task of list) {
        if (stopped) return false;
        if (await attempt(task)) continue;
        if (waiting.length === 0) {
          logger.warn(
            'the database is unreachable at start: listening anyway (database routes answer 503 and ' +
              'readiness fails) and retrying the start-up tasks until it answers',
            { task: task.name },
          );
          settle();
        }
        waiting.push(task);
      }
      return true;
    };
    if (!(await runEach(first))) return;
    // What needs a task run after listening waits from now until the task's first attempt ends:
    // after the other tasks (they may use the same ports) and before listening, unless the
    // database was unreachable (then the process listens already, and those calls fail with it).
    for (const task of later) {
      held.add(task);
      task.afterListening?.hold();
    }
    settle();
    if (later.length > 0) await (options.afterListening ?? new Promise((resolve) => setImmediate(resolve)));
    if (!(await runEach(later))) return;
    for (const task of waiting) {
      for (let n = 0; !stopped && !(await attempt(task)); n++) await sleep(delay(n));
    }
    if (waiting.length > 0 && !stopped) logger.info('start-up tasks finished: the database answers');
  };

  const completed = run().catch((error: unknown) => {
    if (!isSettled) return fail(error);
    if (stopped) return; // shutting down: a task cut short by the closing connection is no news
    const task = current;
    tracker.set(task, `failed: ${String((error as Error).message ?? error)}`);
    logger.error('a start-up task failed; readiness stays failing', {
      task,
      error: String((error as Error).stack ?? error),
    });
  });
  return {
    settled,
    completed,
    stop: () => {
      stopped = true;
      settle();
      wake?.();
      // Tasks that will not run now hold nothing (a running one releases when its attempt ends).
      for (const task of later) {
        if (current !== task.name) release(task);
      }
    },
  };
}
