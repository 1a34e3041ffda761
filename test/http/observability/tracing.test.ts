import { Writable } from 'node:stream';
import { expect } from 'chai';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Connection } from 'mongoose';
import { startTracing, type Tracing } from '../../../adapters/telemetry/tracing.js';
import { createApplication, type Application } from '../../../bootstrap/app.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, testConfig } from '../../support/harness.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';

type Line = Record<string, unknown>;

/** Pino's JSON lines, kept for the test to read. */
function captureLogs(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n'))
        if (text.trim()) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { stream, lines };
}

const scope = (span: ReadableSpan) => span.instrumentationScope.name;

/**
 * Issue 14, observability: traces through the OpenTelemetry SDK (an in-memory exporter here),
 * and the request id and trace id on every log line written while serving a request.
 */
describeWith(['mongo', 'redis'], 'observability: OpenTelemetry traces and log correlation', function () {
  this.timeout(60_000);
  let tracing: Tracing;
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  const spans = async () => {
    await processor.forceFlush();
    return exporter.getFinishedSpans();
  };

  before(async () => {
    tracing = await startTracing(
      { serviceName: 'amour-florals-test', exporter: 'otlp', otlpTracesUrl: 'http://127.0.0.1:9/v1/traces' },
      { spanProcessors: [processor] },
    );
  });
  after(async () => {
    await tracing.shutdown();
  });

  /** Queues the recommendations training as the admin; its job span must be the request's child. */
  async function expectTrainingJobTraced(
    app: Application['app'],
    logs: ReturnType<typeof captureLogs>,
    requestId: string,
  ): Promise<void> {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(login.statusCode, login.body).to.equal(200);
    exporter.reset();
    const train = await app.inject({
      method: 'POST',
      url: '/api/recommendations/train',
      headers: { authorization: `Bearer ${login.json().token}`, 'x-request-id': requestId },
    });
    expect(train.statusCode, train.body).to.equal(202);
    let job: ReadableSpan | undefined;
    for (let i = 0; i < 500 && !job; i++) {
      await new Promise((r) => setTimeout(r, 10));
      job = (await spans()).find((s) => s.name === 'job recommendations.train');
    }
    expect(job, 'the job span').to.not.equal(undefined);
    expect(job!.kind).to.equal(SpanKind.CONSUMER);
    const request = (await spans()).find((s) => s.spanContext().spanId === job!.parentSpanContext?.spanId);
    expect(request, 'the job span parent is a span of the request').to.not.equal(undefined);
    expect(scope(request!)).to.equal('@fastify/otel');
    expect(job!.spanContext().traceId).to.equal(request!.spanContext().traceId);

    const trained = logs.lines.find((l) => l.msg === 'recommendations: model trained');
    expect(trained, 'the use case logged').to.not.equal(undefined);
    expect(trained!.traceId).to.equal(job!.spanContext().traceId);
    expect(trained!.spanId).to.equal(job!.spanContext().spanId);
    expect(trained!.requestId).to.equal(requestId);
  }

  describe('on MongoDB + Redis, over real HTTP', () => {
    let application: Application;
    let base: string;
    const logs = captureLogs();

    before(async () => {
      const config = testConfig({
        MONGODB_URI: mongoTestUri('otel'),
        REDIS_URL: serviceUrl('redis'),
        LOG_LEVEL: 'info',
      });
      application = await createApplication(config, {}, { logDestination: logs.stream });
      await application.app.listen({ port: 0, host: '127.0.0.1' });
      const address = application.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    after(async () => {
      await application.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await application.close();
    });

    it('one trace: the outgoing fetch, the server span, Fastify, mongoose and ioredis under it', async () => {
      exporter.reset();
      const res = await fetch(`${base}/api/products?limit=2&sort=price-asc`);
      expect(res.status, await res.text()).to.equal(200);
      const all = await spans();
      const server = all.find(
        (s) => scope(s) === '@opentelemetry/instrumentation-http' && s.kind === SpanKind.SERVER,
      );
      expect(server, all.map((s) => `${scope(s)} ${s.name}`).join(', ')).to.not.equal(undefined);
      const traceId = server!.spanContext().traceId;
      const inTrace = all.filter((s) => s.spanContext().traceId === traceId);
      const scopes = new Set(inTrace.map(scope));
      for (const expected of [
        '@opentelemetry/instrumentation-undici', // the test's own fetch: the server span's parent
        '@opentelemetry/instrumentation-http',
        '@fastify/otel',
        '@opentelemetry/instrumentation-mongoose',
        '@opentelemetry/instrumentation-ioredis',
      ]) {
        expect([...scopes], expected).to.include(expected);
      }
      const client = inTrace.find((s) => scope(s) === '@opentelemetry/instrumentation-undici')!;
      expect(client.kind).to.equal(SpanKind.CLIENT);
      expect(server!.parentSpanContext?.spanId).to.equal(client.spanContext().spanId);
      // Every span of the request descends from the server span.
      const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]));
      const descends = (s: ReadableSpan): boolean => {
        for (
          let p = s.parentSpanContext?.spanId;
          p !== undefined;
          p = byId.get(p)?.parentSpanContext?.spanId
        ) {
          if (p === server!.spanContext().spanId) return true;
        }
        return false;
      };
      for (const s of inTrace.filter(
        (x) => scope(x) !== '@opentelemetry/instrumentation-undici' && x !== server,
      )) {
        expect(descends(s), `${scope(s)} ${s.name}`).to.equal(true);
      }
      const route = inTrace.find(
        (s) => scope(s) === '@fastify/otel' && /products/.test(JSON.stringify(s.attributes)),
      );
      expect(route, 'a Fastify span naming the route').to.not.equal(undefined);
    });

    it('a job run by BullMQ (Redis) is a child of the request that queued it, across the queue', async () => {
      await expectTrainingJobTraced(application.app, logs, 'otel-train-bullmq');
    });

    it('every log line of the request carries its request id and trace id', async () => {
      exporter.reset();
      const before = logs.lines.length;
      const res = await fetch(`${base}/api/products/not-a-product-id`, {
        headers: { 'x-request-id': 'otel-req-1' },
      });
      expect(res.headers.get('x-request-id')).to.equal('otel-req-1');
      const server = (await spans()).find(
        (s) => scope(s) === '@opentelemetry/instrumentation-http' && s.kind === SpanKind.SERVER,
      )!;
      const lines = logs.lines
        .slice(before)
        .filter((l) => l.reqId === 'otel-req-1' || l.requestId === 'otel-req-1');
      expect(lines.length).to.be.greaterThan(1);
      for (const line of lines) {
        expect(line.requestId, JSON.stringify(line)).to.equal('otel-req-1');
        expect(line.traceId, JSON.stringify(line)).to.equal(server.spanContext().traceId);
      }
    });
  });

  describe('the job queue (embedded default, in-process queue)', () => {
    let application: Application;
    const logs = captureLogs();

    before(async () => {
      application = await createApplication(
        testConfig({ LOG_LEVEL: 'info' }),
        {},
        { logDestination: logs.stream },
      );
      await application.app.ready();
    });
    after(async () => {
      await application.close();
    });

    it("a job's span is a child of the request that queued it; the use case's log line names both", async () => {
      await expectTrainingJobTraced(application.app, logs, 'otel-train-1');
    });
  });
});
