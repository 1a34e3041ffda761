import { expect } from 'chai';
import type { FastifyError } from 'fastify';
import { errorResponse } from '../../../adapters/http/server.js';
import { isMongoUnavailable } from '../../../adapters/persistence/mongo/unavailable.js';
import { createMongoConnection } from '../../../adapters/persistence/mongo/connection.js';
import type { StartupTask } from '../../../application/shared/ports.js';
import { runStartupTasks, StartupTracker } from '../../../bootstrap/startup.js';
import { buildTestApp } from '../../support/harness.js';
import { PROCESSED_EVENT_STORE, type ProcessedEventStore } from '../../../application/payments/ports.js';
import {
  HANDLED_EVENT_STORE,
  STAGED_EVENT_OUTBOX,
  type HandledEventStore,
  type StagedEventOutbox,
} from '../../../application/shared/event-ports.js';
import { freePort } from '../../support/ferretdb.js';

function named(name: string, message = 'boom'): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const unreachable = () => named('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:1');

function quietLogger() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('MongoDB unreachable: which errors mean it', () => {
  it('recognises the driver and mongoose connectivity errors, also wrapped, and nothing else', () => {
    for (const name of [
      'MongoServerSelectionError',
      'MongooseServerSelectionError',
      'MongoNetworkError',
      'MongoNetworkTimeoutError',
      'MongoTopologyClosedError',
      'MongoNotConnectedError',
      'MongoPoolClearedError',
    ]) {
      expect(isMongoUnavailable(named(name)), name).to.equal(true);
    }
    expect(
      isMongoUnavailable(
        named('MongooseError', 'Operation `products.find()` buffering timed out after 800ms'),
      ),
    ).to.equal(true);
    expect(isMongoUnavailable(new Error('wrapped', { cause: named('MongoNetworkError') }))).to.equal(true);
    expect(isMongoUnavailable(named('MongoServerError', 'E11000 duplicate key'))).to.equal(false);
    expect(isMongoUnavailable(named('MongooseError', 'Cast to ObjectId failed'))).to.equal(false);
    expect(isMongoUnavailable(new TypeError('x is undefined'))).to.equal(false);
    expect(isMongoUnavailable('MongoNetworkError')).to.equal(false);
  });

  it('the HTTP edge answers them 503 DATABASE_UNAVAILABLE in the error envelope, a bug still 500', () => {
    const answer = errorResponse(unreachable() as FastifyError, 'req-1', isMongoUnavailable);
    expect(answer.statusCode).to.equal(503);
    expect(answer.body).to.deep.equal({
      status: 'error',
      message: 'The database is unavailable; please try again shortly',
      code: 'DATABASE_UNAVAILABLE',
    });
    expect(errorResponse(new Error('bug') as FastifyError, 'req-2', isMongoUnavailable).statusCode).to.equal(
      500,
    );
  });
});

describe('a first MongoDB connection that fails', () => {
  it('is not an unhandled rejection (it killed CLI commands with a raw stack trace)', async () => {
    const seen: unknown[] = [];
    const previous = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', (error) => void seen.push(error));
    try {
      const connection = createMongoConnection(`mongodb://127.0.0.1:${await freePort()}/nothing`, 100);
      await new Promise((r) => setTimeout(r, 700));
      await connection.close();
    } finally {
      process.removeAllListeners('unhandledRejection');
      for (const listener of previous) process.on('unhandledRejection', listener);
    }
    expect(seen).to.deep.equal([]);
  });
});

describe('start-up tasks while the database is unreachable (bootstrap/startup.ts)', () => {
  const fast = { retryDelayMs: () => 1, isUnavailable: isMongoUnavailable };

  it('does not hold the start: settles at the first unreachable failure, runs the other tasks, retries in order', async () => {
    const order: string[] = [];
    let failuresLeft = 3;
    let release!: () => void;
    const mongoIsBack = new Promise<void>((r) => (release = r));
    const tasks: StartupTask[] = [
      {
        name: 'connect',
        run: async () => {
          order.push('connect');
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            if (failuresLeft === 0) await mongoIsBack;
            throw unreachable();
          }
        },
      },
      { name: 'subscribe', run: async () => void order.push('subscribe') },
      {
        name: 'seed',
        run: async () => {
          order.push('seed');
          if (failuresLeft > 0) throw unreachable();
        },
      },
    ];
    const tracker = new StartupTracker();
    const { logger, lines } = quietLogger();
    const run = runStartupTasks(tasks, { ...fast, logger, tracker });
    await run.settled; // before the fix: the first failure stopped the start (a rejection, then exit)
    expect(order[0]).to.equal('connect');
    expect(tracker.pending().join(' ')).to.match(/connect: waiting for the database/);
    expect(lines.some((l) => l.level === 'warn')).to.equal(true);
    release();
    await run.completed;
    expect(tracker.pending()).to.deep.equal([]);
    expect(order).to.include('subscribe'); // ran while the database was still away
    // the waiting ones were retried in their order: connect succeeded before seed was retried
    expect(order.lastIndexOf('connect')).to.be.below(order.lastIndexOf('seed'));
    expect(lines.at(-1)?.message).to.match(/start-up tasks finished/);
  });

  it('any other failure before listening still stops the start', async () => {
    const run = runStartupTasks(
      [{ name: 'bad', run: async () => Promise.reject(new Error('misconfigured')) }],
      {
        ...fast,
        logger: quietLogger().logger,
        tracker: new StartupTracker(),
      },
    );
    let rejected: unknown;
    await run.settled.catch((error: unknown) => (rejected = error));
    expect((rejected as Error).message).to.equal('misconfigured');
  });

  it('a failure after listening is logged and keeps readiness failing', async () => {
    let attempts = 0;
    const tracker = new StartupTracker();
    const { logger, lines } = quietLogger();
    const run = runStartupTasks(
      [
        {
          name: 'indexes',
          run: async () => {
            attempts += 1;
            throw attempts === 1 ? unreachable() : new Error('index conflict');
          },
        },
      ],
      { ...fast, logger, tracker },
    );
    await run.settled;
    await run.completed;
    expect(tracker.pending()).to.deep.equal(['indexes: failed: index conflict']);
    expect(lines.some((l) => l.level === 'error' && l.fields?.task === 'indexes')).to.equal(true);
  });

  it('stop() ends the retries', async () => {
    let attempts = 0;
    const run = runStartupTasks(
      [
        {
          name: 'connect',
          run: async () => {
            attempts += 1;
            throw unreachable();
          },
        },
      ],
      { ...fast, logger: quietLogger().logger, tracker: new StartupTracker() },
    );
    await run.settled;
    run.stop();
    await run.completed;
    const after = attempts;
    await new Promise((r) => setTimeout(r, 30));
    expect(attempts).to.equal(after);
  });
});

describe('the application with MONGODB_URI pointing at nothing (in process)', function () {
  this.timeout(30_000);

  it('starts, answers 503 DATABASE_UNAVAILABLE on database routes, readiness 503, liveness 200', async () => {
    const port = await freePort(); // nobody listens there
    // Before the fix createApplication rejected (the connect task threw) after the 5 s selection.
    const t = await buildTestApp({
      MONGODB_URI: `mongodb://127.0.0.1:${port}/nothing`,
      MONGODB_TIMEOUT_MS: '300',
    });
    try {
      for (const url of ['/api/products', '/api/categories', '/api/api/products/featured']) {
        const res = await t.request({ method: 'GET', url });
        expect(res.statusCode, `${url} ${res.body}`).to.equal(503);
        expect(res.json()).to.include({ status: 'error', code: 'DATABASE_UNAVAILABLE' });
      }
      const login = await t.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: 'someone@example.com', password: 'whatever-1' },
      });
      expect(login.statusCode).to.equal(503);
      const ready = await t.request({ method: 'GET', url: '/api/health/ready' });
      expect(ready.statusCode).to.equal(503);
      expect(ready.json().status).to.equal('not_ready');
      const live = await t.request({ method: 'GET', url: '/api/health' });
      expect(live.statusCode).to.equal(200);
      expect(live.json().database).to.equal('disconnected');
    } finally {
      await t.close();
    }
  });

  it('its sweeps (outbox, handled-event and webhook-claim retention) fail as rejections, never an uncaught error', async () => {
    // A cursor read (find().sort()) on a closed connection used to be buffered by mongoose, whose
    // timeout then threw from a timer: the server process exited (issue 14's webhook retention
    // found it; the handled-event retention and the outbox sweeper had the same read).
    const uncaught: unknown[] = [];
    const record = (error: unknown) => void uncaught.push(error);
    process.on('uncaughtExceptionMonitor', record);
    const port = await freePort();
    const t = await buildTestApp({
      MONGODB_URI: `mongodb://127.0.0.1:${port}/nothing`,
      MONGODB_TIMEOUT_MS: '200',
    });
    try {
      for (const store of [
        t.container.get<ProcessedEventStore>(PROCESSED_EVENT_STORE).forget(new Date(), 10),
        t.container.get<HandledEventStore>(HANDLED_EVENT_STORE).forget(new Date(), 10),
        t.container.get<StagedEventOutbox>(STAGED_EVENT_OUTBOX).pending(new Date(), 10),
      ]) {
        const error = await store.then(
          () => null,
          (e: unknown) => e,
        );
        expect(isMongoUnavailable(error), String(error)).to.equal(true);
      }
      await new Promise((r) => setTimeout(r, 600)); // past the buffering timeout
      expect(uncaught.map(String)).to.deep.equal([]);
    } finally {
      process.off('uncaughtExceptionMonitor', record);
      await t.close();
    }
  });

  it('on the embedded store readiness answers 200 once started', async () => {
    const t = await buildTestApp();
    try {
      // The admin account is created after listening: readiness waits for it like any start-up task.
      await t.startup.completed;
      const ready = await t.request({ method: 'GET', url: '/api/health/ready' });
      expect(ready.statusCode).to.equal(200);
      expect(ready.json()).to.include({ status: 'ready' });
      expect(ready.json().pending).to.deep.equal([]);
    } finally {
      await t.close();
    }
  });
});
