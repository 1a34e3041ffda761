import { createRequire, register } from 'node:module';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { installTracing, type ActiveTracing } from './trace-context.js';

/**
 * OpenTelemetry tracing (issue 14). Loaded by bootstrap only when tracing is configured, with a
 * dynamic import, so the embedded default never loads the SDK.
 *
 * What is traced: incoming HTTP and outgoing calls made with node's http/https (the Stripe,
 * Cloudinary, Twilio and Razorpay SDKs all use them) through instrumentation-http; outgoing
 * `fetch` (undici) through instrumentation-undici; Fastify's routes and hooks through @fastify/otel;
 * mongoose operations; ioredis commands; and one consumer span per job processed by either job
 * queue (trace-context.ts; parented to the trace that added the job).
 *
 * Loading order under ESM (Node 20, tsx and compiled node alike). Instrumentations patch a module
 * when it is loaded, so this must run before fastify, mongoose and ioredis are imported: the entry
 * points start tracing first, then `await import()` the application. Two hooks see module loads:
 * - require-in-the-middle patches `require()` calls. It sees CommonJS code requiring CommonJS
 *   (fastify requiring `http`, BullMQ requiring `ioredis`), but NOT an ES module's `import` of a
 *   CommonJS package: our code's `import mongoose from 'mongoose'` and `import { Redis } from
 *   'ioredis'` go through the ESM loader, and measured here no mongoose or ioredis span appears.
 * - import-in-the-middle, registered with `module.register()` (Node >= 20.6) below, wraps those ES
 *   imports. Limited to the instrumented packages (`include`), so the application's own modules
 *   are not rewritten; it chains with tsx's own loader hooks.
 * Fastify and undici need neither: @fastify/otel registers itself on every Fastify instance
 * through the `fastify.initialization` diagnostics channel, instrumentation-undici listens to
 * undici's channels. A package already loaded when tracing starts (a test runner importing the
 * app first) is patched by requiring it again through require-in-the-middle (patchLoaded): the
 * ESM import of a CommonJS package shares its `module.exports`, so prototype patches reach it.
 */
export interface TracingSettings {
  /** OTEL_SERVICE_NAME */
  readonly serviceName: string;
  /** OTEL_TRACES_EXPORTER: `otlp` (OTLP/HTTP with JSON bodies) or `console`. */
  readonly exporter: 'otlp' | 'console';
  /** Where OTLP spans are POSTed (`<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`). */
  readonly otlpTracesUrl: string;
}

export interface TracingOptions {
  /** Replaces the exporter's processor (tests: an in-memory exporter behind a SimpleSpanProcessor). */
  readonly spanProcessors?: readonly SpanProcessor[];
}

export interface Tracing {
  /** Exports the spans still buffered. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops tracing: instrumentations unpatched, the global provider released. */
  shutdown(): Promise<void>;
}

/** Packages an instrumentation patches on load (the http instrumentation covers https too). */
const PATCHED_ON_LOAD = ['mongoose', 'ioredis', 'http', 'https'];

let loaderHookRegistered = false;

function registerEsmHook(): void {
  if (loaderHookRegistered) return;
  loaderHookRegistered = true;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: PATCHED_ON_LOAD },
  });
}

/** Re-requires the instrumented packages that are already loaded, so require-in-the-middle patches them. */
function patchLoaded(): void {
  const require = createRequire(import.meta.url);
  for (const name of PATCHED_ON_LOAD) {
    try {
      const resolved = require.resolve(name);
      if (resolved === name || require.cache[resolved] !== undefined) require(name);
    } catch {
      // not installed or not resolvable from here: nothing loaded to patch
    }
  }
}

export async function startTracing(
  settings: TracingSettings,
  options: TracingOptions = {},
): Promise<Tracing> {
  registerEsmHook();
  const [api, { NodeSDK }, traceBase, { HttpInstrumentation }, { UndiciInstrumentation }] = await Promise.all(
    [
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
    ],
  );
  const [{ IORedisInstrumentation }, { MongooseInstrumentation }, { FastifyOtelInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/instrumentation-ioredis'),
      import('@opentelemetry/instrumentation-mongoose'),
      import('@fastify/otel'),
    ]);
  const spanProcessors = options.spanProcessors
    ? [...options.spanProcessors]
    : [
        new traceBase.BatchSpanProcessor(
          settings.exporter === 'console'
            ? new traceBase.ConsoleSpanExporter()
            : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({
                url: settings.otlpTracesUrl,
              }),
        ),
      ];
  const instrumentations = [
    new HttpInstrumentation(),
    new UndiciInstrumentation(),
    new IORedisInstrumentation(),
    new MongooseInstrumentation(),
    new FastifyOtelInstrumentation({ registerOnInitialization: true }),
  ];
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    spanProcessors,
    instrumentations,
    // Traces only: no metric reader or log exporter from the environment's defaults.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  patchLoaded();

  const tracer = api.trace.getTracer('amour-florals-jobs');
  const active: ActiveTracing = {
    currentIds: () => {
      const span = api.trace.getSpan(api.context.active());
      if (!span) return undefined;
      const { traceId, spanId } = span.spanContext();
      return api.isSpanContextValid(span.spanContext()) ? { traceId, spanId } : undefined;
    },
    captureContext: () => {
      const carrier: Record<string, string> = {};
      api.propagation.inject(api.context.active(), carrier);
      return carrier.traceparent === undefined ? undefined : JSON.stringify(carrier);
    },
    runJob: (job, captured, work) => {
      const parent = captured
        ? api.propagation.extract(api.ROOT_CONTEXT, parseCarrier(captured))
        : api.ROOT_CONTEXT;
      return tracer.startActiveSpan(
        `job ${job.queue}.${job.name}`,
        {
          kind: api.SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'amour-florals-jobs',
            'messaging.destination.name': job.queue,
            'messaging.operation.type': 'process',
            'messaging.message.id': job.id,
            'job.name': job.name,
            'job.attempt': job.attempt,
          },
        },
        parent,
        async (span) => {
          try {
            return await work();
          } catch (error) {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({ code: api.SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
  };
  installTracing(active);

  let stopped: Promise<void> | undefined;
  return {
    forceFlush: async () => {
      await Promise.all(spanProcessors.map((processor) => processor.forceFlush()));
    },
    shutdown: () => {
      stopped ??= (async () => {
        installTracing(undefined);
        try {
          await sdk.shutdown(); // flushes every processor first
        } finally {
          for (const instrumentation of instrumentations) instrumentation.disable();
          api.trace.disable();
          api.context.disable();
          api.propagation.disable();
        }
      })();
      return stopped;
    },
  };
}

function parseCarrier(captured: string): Record<string, string> {
  try {
    const parsed = JSON.parse(captured) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}
