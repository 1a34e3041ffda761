import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { InProcessJobQueue, type JobTimers } from '../../../adapters/queue/in-process-job-queue.js';
import { SystemClock } from '../../../adapters/system/system.js';
import {
  PermanentJobError,
  type JobQueue,
  type JobView,
  type RunningJob,
} from '../../../application/shared/job-queue.js';

/** Polls `probe` until it answers something truthy (or fails after `timeoutMs`). */
async function eventually<T>(
  probe: () => Promise<T> | T,
  timeoutMs = 8000,
): Promise<Exclude<NonNullable<T>, false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<NonNullable<T>, false>;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${probe.toString()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise and its resolver: processors wait on it so a test decides when they finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const reaches =
  (queue: JobQueue, q: string, id: string, state: JobView['state']) => async (): Promise<JobView | false> => {
    const job = await queue.get(q, id);
    return job?.state === state ? job : false;
  };

/**
 * What every JobQueue adapter must do (application/shared/job-queue.ts). `make` answers a fresh
 * queue; the suite closes it after each test. Backoffs and delays are small real times, since a
 * Redis-backed queue keeps its own clock; only lower bounds of time are asserted.
 */
function jobQueueContract(make: () => Promise<JobQueue>): void {
  let queue: JobQueue;
  let q: string; // a queue name of its own per test
  beforeEach(async () => {
    queue = await make();
    q = `t-${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await queue.close();
  });

  it('stores an added job, waiting, with its data as a serialized copy', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const added = await queue.add(q, 'send', { to: 'a@b.c', at, n: 3 });
    expect(added.state).to.equal('waiting');
    expect(added.queue).to.equal(q);
    expect(added.name).to.equal('send');
    expect(added.attemptsMade).to.equal(0);
    const got = await queue.get<{ to: string; at: string; n: number }>(q, added.id);
    expect(got?.data).to.deep.equal({ to: 'a@b.c', at: at.toISOString(), n: 3 });
    expect(got?.createdAt).to.be.instanceOf(Date);
    expect(await queue.counts(q)).to.deep.equal({ waiting: 1, delayed: 0, active: 0, completed: 0, dead: 0 });
    expect(await queue.get(q, 'no-such-job')).to.equal(undefined);
    expect(await queue.get(`${q}-other`, added.id)).to.equal(undefined);
  });

  it('a second add with a known job id answers the existing job, waiting or completed, and never runs twice', async () => {
    const first = await queue.add(q, 'send', { n: 1 }, { jobId: 'order-1:placed' });
    const again = await queue.add(q, 'send', { n: 2 }, { jobId: 'order-1:placed' });
    expect(first.id).to.equal('order-1:placed');
    expect(again.id).to.equal('order-1:placed');
    expect(again.data).to.deep.equal({ n: 1 });
    expect((await queue.counts(q)).waiting).to.equal(1);
    const runs: unknown[] = [];
    queue.process(q, async (job) => {
      runs.push(job.data);
    });
    await eventually(reaches(queue, q, 'order-1:placed', 'completed'));
    const afterCompletion = await queue.add(q, 'send', { n: 3 }, { jobId: 'order-1:placed' });
    expect(afterCompletion.state).to.equal('completed');
    // parallel adds of one new id: one job
    await Promise.all(Array.from({ length: 10 }, (_, i) => queue.add(q, 'send', { i }, { jobId: 'same' })));
    await eventually(reaches(queue, q, 'same', 'completed'));
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).to.have.length(2);
    expect(runs[0]).to.deep.equal({ n: 1 });
    expect((await queue.counts(q)).completed).to.equal(2);
  });

  it('runs a job with its data and attempt number, then it is completed', async () => {
    const seen: Array<RunningJob<{ n: number }>> = [];
    queue.process<{ n: number }>(q, async (job) => {
      seen.push(job);
    });
    const added = await queue.add(q, 'work', { n: 7 }, { attempts: 4 });
    const done = await eventually(reaches(queue, q, added.id, 'completed'));
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include({ id: added.id, name: 'work', attempt: 1, maxAttempts: 4 });
    expect(seen[0]!.data).to.deep.equal({ n: 7 });
    expect(done.attemptsMade).to.equal(1);
    expect(done.finishedAt).to.be.instanceOf(Date);
    expect(done.lastError).to.equal(undefined);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const attempts: Array<{ attempt: number; at: number }> = [];
    queue.process(q, async (job) => {
      attempts.push({ attempt: job.attempt, at: Date.now() });
      if (job.attempt < 3) throw new Error(`provider down (${job.attempt})`);
    });
    const added = await queue.add(q, 'work', {}, { attempts: 5, backoffMs: 100 });
    const done = await eventually(reaches(queue, q, added.id, 'completed'));
    expect(attempts.map((a) => a.attempt)).to.deep.equal([1, 2, 3]);
    expect(done.attemptsMade).to.equal(3);
    // backoff * 2^(n-1): at least 100 ms, then at least 200 ms (lower bounds only)
    expect(attempts[1]!.at - attempts[0]!.at).to.be.at.least(95);
    expect(attempts[2]!.at - attempts[1]!.at).to.be.at.least(195);
  });

  it('a job whose attempt failed and waits for its retry is delayed, with the error kept', async () => {
    queue.process(q, async () => {
      throw new Error('smtp refused');
    });
    const added = await queue.add(q, 'work', {}, { attempts: 2, backoffMs: 5000 });
    const waiting = await eventually(reaches(queue, q, added.id, 'delayed'));
    expect(waiting.attemptsMade).to.equal(1);
    expect(waiting.lastError).to.equal('smtp refused');
    expect((await queue.counts(q)).delayed).to.equal(1);
  });

  it('after the last failed attempt the job is dead with the last error', async () => {
    let calls = 0;
    queue.process(q, async (job) => {
      calls += 1;
      throw new Error(`failure ${job.attempt}`);
    });
    const added = await queue.add(q, 'work', {}, { attempts: 3, backoffMs: 10 });
    const dead = await eventually(reaches(queue, q, added.id, 'dead'));
    expect(calls).to.equal(3);
    expect(dead.attemptsMade).to.equal(3);
    expect(dead.lastError).to.equal('failure 3');
    expect(dead.finishedAt).to.be.instanceOf(Date);
    expect(await queue.counts(q)).to.include({ dead: 1, completed: 0, waiting: 0, delayed: 0 });
    // dead jobs are kept, and dedup still holds for them
    const again = await queue.add(q, 'work', {}, { jobId: added.id });
    expect(again.state).to.equal('dead');
  });

  it('a PermanentJobError makes the job dead at once', async () => {
    let calls = 0;
    queue.process(q, async () => {
      calls += 1;
      throw new PermanentJobError('malformed phone number');
    });
    const added = await queue.add(q, 'work', {}, { attempts: 5, backoffMs: 10 });
    const dead = await eventually(reaches(queue, q, added.id, 'dead'));
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).to.equal(1);
    expect(dead.attemptsMade).to.equal(1);
    expect(dead.lastError).to.equal('malformed phone number');
  });

  it('a delayed job waits before its first attempt', async () => {
    let startedAt = 0;
    queue.process(q, async () => {
      startedAt = Date.now();
    });
    const addedAt = Date.now();
    const added = await queue.add(q, 'later', {}, { delayMs: 300 });
    expect(added.state).to.equal('delayed');
    expect((await queue.counts(q)).delayed).to.equal(1);
    await eventually(reaches(queue, q, added.id, 'completed'));
    expect(startedAt - addedAt).to.be.at.least(295);
  });

  it('runs at most `concurrency` jobs of a queue at once, and the others wait', async () => {
    const release = gate();
    let active = 0;
    let most = 0;
    let finished = 0;
    queue.process(
      q,
      async () => {
        active += 1;
        most = Math.max(most, active);
        await release.promise;
        active -= 1;
        finished += 1;
      },
      { concurrency: 2 },
    );
    await Promise.all(Array.from({ length: 6 }, (_, i) => queue.add(q, 'work', { i })));
    await eventually(async () => (await queue.counts(q)).active === 2);
    await new Promise((r) => setTimeout(r, 150));
    expect(await queue.counts(q)).to.include({ active: 2, waiting: 4 });
    expect(most).to.equal(2);
    release.open();
    await eventually(async () => (await queue.counts(q)).completed === 6);
    expect(most).to.equal(2);
    expect(finished).to.equal(6);
  });

  it('keeps queues apart: a worker takes only its own queue’s jobs', async () => {
    const other = `${q}-other`;
    const ran: string[] = [];
    queue.process(q, async (job) => {
      ran.push(job.id);
    });
    const theirs = await queue.add(other, 'work', {});
    const mine = await queue.add(q, 'work', {});
    await eventually(reaches(queue, q, mine.id, 'completed'));
    await new Promise((r) => setTimeout(r, 100));
    expect(ran).to.deep.equal([mine.id]);
    expect((await queue.get(other, theirs.id))?.state).to.equal('waiting');
  });

  it('progress reported by a running job is visible through get', async () => {
    const release = gate();
    queue.process(q, async (job) => {
      await job.reportProgress(40);
      await release.promise;
      await job.reportProgress(100);
    });
    const added = await queue.add(q, 'bulk', {});
    const running = await eventually(async () => {
      const job = await queue.get(q, added.id);
      return job?.state === 'active' && job.progress === 40 ? job : false;
    });
    expect(running.progress).to.equal(40);
    release.open();
    const done = await eventually(reaches(queue, q, added.id, 'completed'));
    expect(done.progress).to.equal(100);
  });

  it('close() waits for the running jobs to finish', async () => {
    const release = gate();
    let finished = false;
    queue.process(q, async () => {
      await release.promise;
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    const added = await queue.add(q, 'work', {});
    await eventually(reaches(queue, q, added.id, 'active'));
    const closing = queue.close();
    setTimeout(release.open, 100);
    await closing;
    expect(finished).to.equal(true);
  });

  it('refuses a second processor for the same queue in one process', async () => {
    queue.process(q, async () => undefined);
    expect(() => queue.process(q, async () => undefined)).to.throw();
  });

  it('jobs added before the worker starts are run when it does', async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => queue.add(q, 'work', { i })));
    expect((await queue.counts(q)).waiting).to.equal(3);
    const seen: number[] = [];
    queue.process<{ i: number }>(q, async (job) => {
      seen.push(job.data.i);
    });
    for (const { id } of ids) await eventually(reaches(queue, q, id, 'completed'));
    expect([...seen].sort()).to.deep.equal([0, 1, 2]);
  });
}

describe('JobQueue contract: in-process', () => {
  jobQueueContract(async () => new InProcessJobQueue(new SystemClock()));
});

describe('InProcessJobQueue', () => {
  /** Timers a test fires by hand, recording the delays asked for. */
  class ManualTimers implements JobTimers {
    readonly pending: Array<{ ms: number; fire: () => void }> = [];
    set(callback: () => void, ms: number): unknown {
      const entry = { ms, fire: callback };
      this.pending.push(entry);
      return entry;
    }
    clear(handle: unknown): void {
      const i = this.pending.indexOf(handle as (typeof this.pending)[number]);
      if (i >= 0) this.pending.splice(i, 1);
    }
    fireNext(): number {
      const next = this.pending.shift();
      if (!next) throw new Error('no timer pending');
      next.fire();
      return next.ms;
    }
  }

  it('waits backoffMs * 2^(attempt-1) between attempts, then the job is dead', async () => {
    const timers = new ManualTimers();
    const queue = new InProcessJobQueue(new SystemClock(), {}, timers);
    queue.process('q', async () => {
      throw new Error('down');
    });
    const job = await queue.add('q', 'w', {}, { attempts: 4, backoffMs: 250 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await eventually(() => timers.pending.length === 1);
      delays.push(timers.fireNext());
    }
    await eventually(async () => (await queue.get('q', job.id))?.state === 'dead');
    expect(delays).to.deep.equal([250, 500, 1000]);
    expect(timers.pending).to.have.length(0);
    await queue.close();
  });

  it('uses its settings when a job or worker does not say', async () => {
    const timers = new ManualTimers();
    const queue = new InProcessJobQueue(
      new SystemClock(),
      { attempts: 2, backoffMs: 40, concurrency: 1 },
      timers,
    );
    let calls = 0;
    queue.process('q', async () => {
      calls += 1;
      throw new Error('down');
    });
    const job = await queue.add('q', 'w', {});
    await eventually(() => timers.pending.length === 1);
    expect(timers.fireNext()).to.equal(40);
    await eventually(async () => (await queue.get('q', job.id))?.state === 'dead');
    expect(calls).to.equal(2);
    await queue.close();
  });

  it('a delayed job is not run before its timer fires, and close() cancels pending timers', async () => {
    const timers = new ManualTimers();
    const queue = new InProcessJobQueue(new SystemClock(), {}, timers);
    let calls = 0;
    queue.process('q', async () => {
      calls += 1;
    });
    const job = await queue.add('q', 'w', {}, { delayMs: 60_000 });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).to.equal(0);
    expect(timers.pending.map((t) => t.ms)).to.deep.equal([60_000]);
    timers.fireNext();
    await eventually(async () => (await queue.get('q', job.id))?.state === 'completed');
    await queue.add('q', 'w', {}, { delayMs: 1000 });
    await queue.close();
    expect(timers.pending).to.have.length(0);
  });
});
