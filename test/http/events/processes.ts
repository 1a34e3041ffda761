import sinon from 'sinon';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import { TestClock } from '../../support/kit.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

export interface Processes {
  /** The process whose writes die before their events are delivered. */
  readonly first: TestApp;
  /** The process that recovers: a second one on the same database when `restarts`, else the first. */
  readonly recovered: TestApp;
  readonly clock: TestClock;
  /** The first process dies right after its next write: its next delivery of events fails. */
  dieAfterNextWrite(): void;
}

/**
 * Two processes over one store for crash-recovery suites (mocha hooks included): on MongoDB a
 * restart is a new process on the same database, with its own dispatcher and sweeper; on memory
 * the same process recovers. `setUp` runs once both are built.
 */
export function useProcesses(
  label: string,
  env: () => Record<string, string>,
  restarts: boolean,
  setUp: (processes: Processes) => Promise<void> = async () => undefined,
): Processes {
  const clock = new TestClock(new Date());
  let first: TestApp;
  let second: TestApp | null = null;
  const processes: Processes = {
    get first() {
      return first;
    },
    get recovered() {
      return second ?? first;
    },
    clock,
    dieAfterNextWrite() {
      sinon.restore();
      const publish = sinon.stub(first.container.get(EventDispatcher), 'publish');
      publish.callThrough();
      publish.onFirstCall().rejects(new Error('process killed'));
    },
  };

  before(async function () {
    this.timeout(60_000);
    const shared = env();
    first = await buildTestApp(shared, { clock });
    if (restarts) {
      second = await buildTestApp({ ...shared, MAIL_OUTBOX_DIR: first.config.mail.outboxDir }, { clock });
    }
    await setUp(processes);
  });
  after(async () => {
    if (label === 'mongo') {
      await first.container
        .get<Connection>(MONGO_CONNECTION)
        .dropDatabase()
        .catch(() => undefined);
    }
    await second?.close();
    await first.close();
  });
  afterEach(() => sinon.restore());
  return processes;
}
