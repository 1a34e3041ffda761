import { expect } from 'chai';
import { AdminSeedHold } from '../../application/identity/admin-seed-hold.js';
import type { StartupTask } from '../../application/shared/ports.js';
import { runStartupTasks, StartupTracker } from '../../bootstrap/startup.js';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const unreachable = () => Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoNetworkError' });
const options = (tracker = new StartupTracker()) => ({
  isUnavailable: (error: unknown) => (error as Error).name === 'MongoNetworkError',
  logger,
  tracker,
  retryDelayMs: () => 1,
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A task run after listening whose hold and release are recorded in `events`. */
function laterTask(events: string[], run: () => Promise<void> = async () => undefined): StartupTask {
  return {
    name: 'later',
    run: async () => {
      events.push('later:run');
      await run();
    },
    afterListening: { hold: () => events.push('hold'), release: () => events.push('release') },
  };
}

describe('start-up tasks run after listening (StartupTask.afterListening)', () => {
  it('run after the others, once `afterListening` resolves, holding what needs them from before `settled`', async () => {
    const events: string[] = [];
    let serverReady!: () => void;
    const run = runStartupTasks(
      [laterTask(events), { name: 'seed', run: async () => void events.push('seed:run') }],
      { ...options(), afterListening: new Promise<void>((resolve) => (serverReady = resolve)) },
    );
    await run.settled;
    events.push('settled');
    await tick();
    expect(events).to.deep.equal(['seed:run', 'hold', 'settled']); // not run before the server is ready
    serverReady();
    await run.completed;
    expect(events).to.deep.equal(['seed:run', 'hold', 'settled', 'later:run', 'release']);
  });

  it('release when their first attempt ends, also waiting for the database or failing', async () => {
    const events: string[] = [];
    let attempts = 0;
    const tracker = new StartupTracker();
    const waiting = runStartupTasks(
      [
        laterTask(events, async () => {
          attempts += 1;
          if (attempts === 1) throw unreachable();
        }),
      ],
      options(tracker),
    );
    await waiting.completed;
    expect(events).to.deep.equal(['hold', 'later:run', 'release', 'later:run']); // retried, released once
    expect(tracker.pending()).to.deep.equal([]);

    const failed: string[] = [];
    const failing = runStartupTasks([laterTask(failed, () => Promise.reject(new Error('bug')))], options());
    await failing.completed;
    expect(failed).to.deep.equal(['hold', 'later:run', 'release']);
  });

  it('stop() before they run releases what they held', async () => {
    const events: string[] = [];
    const run = runStartupTasks([laterTask(events)], {
      ...options(),
      afterListening: new Promise(() => undefined),
    });
    await run.settled;
    run.stop();
    expect(events).to.deep.equal(['hold', 'release']);
  });
});

describe('AdminSeedHold: the users port held while the admin account is created', () => {
  class Store {
    readonly user = { id: 'u1' };
    async findById(id: string) {
      return id === 'u1' ? this.user : null;
    }
  }

  it('answers at once when not held, only after release() when held; the seed uses the store itself', async () => {
    const hold = new AdminSeedHold();
    const store = new Store();
    const users = hold.guard(store);
    expect(users).to.be.instanceOf(Store);
    expect(hold.unguarded(users)).to.equal(store);
    expect(await users.findById('u1')).to.equal(store.user);
    hold.hold();
    let answered = false;
    const found = users.findById('u1').then((value) => {
      answered = true;
      return value;
    });
    await tick();
    expect(answered).to.equal(false);
    expect(await hold.unguarded(users).findById('u1')).to.equal(store.user);
    hold.release();
    expect(await found).to.equal(store.user);
    expect(await users.findById('u2')).to.equal(null);
  });
});
