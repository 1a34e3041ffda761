import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import { LazyChildLogger, lazyChildLoggerFactory } from '../../../adapters/http/request-logger.js';
import { createApplication, type Application } from '../../../bootstrap/app.js';
import { testConfig } from '../../support/harness.js';

type Line = Record<string, unknown>;

function capture(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text.trim()) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { stream, lines };
}

describe('http/observability: request loggers are made at their first written line', () => {
  it('no child is made for lines below the level; the first written line makes it, bound to the request id', () => {
    const logs = capture();
    const parent = pino({ level: 'warn' }, logs.stream);
    let made = 0;
    const child = parent.child.bind(parent);
    parent.child = ((...args: Parameters<typeof child>) => {
      made += 1;
      return child(...args);
    }) as typeof parent.child;
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-1' }, {});
    expect(log).to.be.instanceOf(LazyChildLogger);
    log.info('not written');
    log.debug('not written');
    expect(made).to.equal(0);
    expect(log.level).to.equal('warn');
    log.warn({ detail: 1 }, 'written');
    log.error('again');
    expect(made).to.equal(1);
    expect(logs.lines.map((l) => [l.reqId, l.msg])).to.deep.equal([
      ['r-1', 'written'],
      ['r-1', 'again'],
    ]);
    // A route with a level of its own gets an eager child at that level.
    const eager = lazyChildLoggerFactory(parent, { reqId: 'r-2' }, { level: 'debug' });
    expect(eager).to.not.be.instanceOf(LazyChildLogger);
    eager.debug('route level');
    expect(logs.lines.at(-1)).to.deep.include({ reqId: 'r-2', msg: 'route level' });
  });

  describe('in the application', () => {
    let application: Application;
    const logs = capture();
    before(async () => {
      const config = testConfig({ LOG_LEVEL: 'info' });
      application = await createApplication(config, {}, { logDestination: logs.stream });
      await application.app.ready();
    });
    after(() => application.app.close());

    it("Fastify's request lines still carry the request id (reqId and requestId), with redaction kept", async () => {
      const before = logs.lines.length;
      const res = await application.app.inject({
        method: 'GET',
        url: '/api/products/not-a-product-id',
        headers: { 'x-request-id': 'lazy-log-1', authorization: 'Bearer secret-token-value' },
      });
      expect(res.headers['x-request-id']).to.equal('lazy-log-1');
      const lines = logs.lines.slice(before).filter((l) => l.reqId === 'lazy-log-1');
      expect(lines.map((l) => l.msg)).to.include.members(['incoming request', 'request completed']);
      for (const line of lines) expect(line.requestId, JSON.stringify(line)).to.equal('lazy-log-1');
      expect(JSON.stringify(lines)).to.not.include('secret-token-value');
    });
  });

  it('at warn level a request that logs nothing makes no child logger', async () => {
    const application = await createApplication(
      testConfig({ LOG_LEVEL: 'warn' }),
      {},
      { logDestination: capture().stream },
    );
    await application.app.ready();
    try {
      const log = application.app.log;
      const child = log.child.bind(log);
      let made = 0;
      log.child = ((...args: Parameters<typeof child>) => {
        made += 1;
        return child(...args);
      }) as typeof log.child;
      const res = await application.app.inject({ method: 'GET', url: '/api/categories' });
      expect(res.statusCode).to.equal(200);
      expect(made).to.equal(0);
    } finally {
      await application.app.close();
    }
  });
});
