import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The seam between the code that runs everywhere (logs, job queues) and the OpenTelemetry SDK,
 * which is loaded only when tracing is configured (adapters/telemetry/tracing.ts installs itself
 * here when it starts). With tracing off nothing here imports OpenTelemetry: the embedded default
 * neither loads nor pays for it.
 */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

export interface JobSpanInfo {
  readonly queue: string;
  readonly name: string;
  readonly id: string;
  readonly attempt: number;
}

export interface ActiveTracing {
  /** The active span's ids, when a sampled span is active. */
  currentIds(): TraceIds | undefined;
  /** The active trace context serialized (W3C trace context, JSON) to travel with a job. */
  captureContext(): string | undefined;
  /** Runs a job's processor inside a consumer span, child of the context captured when it was added. */
  runJob<T>(job: JobSpanInfo, captured: string | undefined, work: () => Promise<T>): Promise<T>;
}

let active: ActiveTracing | undefined;

export function installTracing(tracing: ActiveTracing | undefined): void {
  active = tracing;
}

/**
 * What travels with a job from the code that queued it (JSON): the trace context when tracing is
 * on, and the request id, so the job's log lines name the request that caused it on any queue
 * (BullMQ runs the job far from the request's async context).
 */
export function captureTraceContext(): string | undefined {
  const requestId = requests.getStore();
  const trace = active?.captureContext();
  if (requestId === undefined && trace === undefined) return undefined;
  return JSON.stringify({
    ...(trace !== undefined ? { trace } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  });
}

function parseCaptured(captured: string | undefined): { trace?: string; requestId?: string } {
  if (captured === undefined) return {};
  try {
    const value: unknown = JSON.parse(captured);
    if (value === null || typeof value !== 'object') return {};
    const { trace, requestId, traceparent } = value as Record<string, unknown>;
    // A bare W3C carrier: queued by an instance from before the request id travelled too.
    if (typeof traceparent === 'string') return { trace: captured };
    return {
      ...(typeof trace === 'string' ? { trace } : {}),
      ...(typeof requestId === 'string' ? { requestId } : {}),
    };
  } catch {
    return {};
  }
}

export function runJobTraced<T>(
  job: JobSpanInfo,
  captured: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const { trace, requestId } = parseCaptured(captured);
  const run = () => (active ? active.runJob(job, trace, work) : work());
  return requestId !== undefined ? requests.run(requestId, run) : run();
}

/** The request being served (Fastify's request id), for every log line written while serving it. */
const requests = new AsyncLocalStorage<string>();

/** Runs `next` (the rest of the request's lifecycle) with `requestId` as the request context. */
export function runWithRequestId(requestId: string, next: () => void): void {
  requests.run(requestId, next);
}

/**
 * The pino mixin: the request id and the active trace and span ids, on every line written inside
 * a request or a traced job, use-case logs (AppLogger) included. A request's own logger (Fastify's
 * `request.log`, bound to `reqId`) names it even on the lines Fastify writes before the hooks run.
 */
export function logCorrelation(
  _merge: object,
  _level: number,
  logger?: { bindings(): Record<string, unknown> },
): Record<string, string> {
  let requestId = requests.getStore();
  if (requestId === undefined && logger) {
    const bound = logger.bindings().reqId;
    if (typeof bound === 'string') requestId = bound;
  }
  const ids = active?.currentIds();
  if (requestId === undefined && ids === undefined) return {};
  return {
    ...(requestId !== undefined ? { requestId } : {}),
    ...(ids ? { traceId: ids.traceId, spanId: ids.spanId } : {}),
  };
}
