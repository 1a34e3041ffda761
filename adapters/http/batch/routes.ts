import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@fastify/type-provider-typebox';
import type { FastifyRequest, InjectOptions, LightMyRequestResponse } from 'fastify';
import { DomainFailure, httpError } from '../errors.js';
import { STATUS_BY_CODE } from '../error-table.js';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '../idempotency.js';
import { errors, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

/**
 * POST /api/batch (issue 14): up to BATCH_MAX_REQUESTS sub-requests in one call, each run through
 * the normal routing (`inject`) one after the other, in order, as if the caller had sent it alone:
 *
 * - Credentials are the batch's own: its `Authorization` (and `User-Agent`) is put on every
 *   sub-request; a sub-request cannot carry credentials of its own (its `headers` accept only the
 *   few below), so a batch never reaches more than its caller could. `X-API-Key` callers cannot
 *   batch (the key gate refuses the route: no scope names it).
 * - Limits: each sub-request is injected from the caller's IP (`remoteAddress`), so it spends the
 *   per-IP and per-user budgets, the failed-auth budget, and the audit log names the real caller.
 *   The batch itself spends one request of the general budget.
 * - What cannot be batched answers a per-item 400 BATCH_REQUEST_NOT_ALLOWED (the other items still
 *   run): the batch itself (no nesting), multipart uploads, realtime channels (WebSocket / SSE),
 *   file answers (CSV exports, `format` other than json), and undocumented routes (the API docs).
 *   The check is on the route the sub-request reached (see `refuseUnbatchable`), not on its text,
 *   so /api/api/batch or an encoded path is refused alike.
 */
export const BATCH_MAX_REQUESTS = 20;

/** Headers a sub-request may carry itself (lower-case names; any other is a 400). */
const SUB_HEADERS = [
  IDEMPOTENCY_KEY_HEADER,
  'x-admin-confirmation',
  'x-signature-timestamp',
  'x-signature-nonce',
  'x-signature',
  'if-none-match',
] as const;

/** Headers of a sub-response that are answered (the rest are the batch's business, not the item's). */
const ANSWERED_HEADERS = [
  'content-type',
  'etag',
  'location',
  'retry-after',
  IDEMPOTENT_REPLAYED_HEADER,
] as const;

/** Headers of the batch request carried onto every sub-request: the caller's identity. */
const CARRIED_HEADERS = ['authorization', 'user-agent'] as const;

/**
 * Marks the batch's own sub-requests (a per-process random value no client can guess), so the
 * server-wide hook knows which requests to hold to the batch rules.
 */
const SUBREQUEST_HEADER = 'x-batch-subrequest';
const SUBREQUEST_MARK = randomBytes(16).toString('hex');

const HeaderValue = (description: string) =>
  Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$', description });

const SubRequestHeaders = Type.Object(
  {
    [IDEMPOTENCY_KEY_HEADER]: Type.Optional(HeaderValue('Idempotency-Key, as on the route alone')),
    'x-admin-confirmation': Type.Optional(HeaderValue('X-Admin-Confirmation: confirmed')),
    'x-signature-timestamp': Type.Optional(HeaderValue('Request signing (README "Batch requests")')),
    'x-signature-nonce': Type.Optional(HeaderValue('Request signing')),
    'x-signature': Type.Optional(HeaderValue('Request signing')),
    'if-none-match': Type.Optional(HeaderValue('Conditional read (304 when unchanged)')),
  },
  {
    additionalProperties: false,
    description:
      'Only these (names case-insensitive); credentials come from the batch request itself, never from an item.',
  },
);

const QueryValue = Text(2048, { description: 'A query parameter value' });

const SubRequest = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_.:-]+$',
        description: 'Echoed on the answer (default: the index, "0", "1", ...)',
      }),
    ),
    method: Type.Union((['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((m) => Type.Literal(m))),
    path: Type.String({
      minLength: 5,
      maxLength: 2048,
      pattern: '^/api/[\\x21-\\x7E]*$',
      description: 'A path under /api (a query string may follow)',
    }),
    headers: Type.Optional(SubRequestHeaders),
    query: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z0-9_.\\[\\]-]{1,64}$' }),
        Type.Union([QueryValue, Type.Array(QueryValue, { maxItems: 50 })]),
        { maxProperties: 50, additionalProperties: false },
      ),
    ),
    body: Type.Optional(Type.Unknown({ description: 'JSON body of the sub-request' })),
  },
  { additionalProperties: false },
);

const BatchBody = Type.Object(
  {
    requests: Type.Array(SubRequest, { minItems: 1, maxItems: BATCH_MAX_REQUESTS }),
    stopOnError: Type.Optional(
      Type.Boolean({
        description:
          'Stop at the first answer of 400 or above: the items after it are not run and answer 424 BATCH_ABORTED',
      }),
    ),
  },
  { additionalProperties: false },
);
type BatchBody = Static<typeof BatchBody>;
type SubRequest = Static<typeof SubRequest>;

const SubResponse = Type.Object({
  id: Type.String(),
  status: Type.Integer(),
  headers: Type.Object(
    Object.fromEntries(ANSWERED_HEADERS.map((h) => [h, Type.Optional(Type.String())])) as Record<
      (typeof ANSWERED_HEADERS)[number],
      ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>
    >,
  ),
  body: Type.Unknown({ description: 'The sub-response body (JSON; null when it had none)' }),
});
type SubResponse = Static<typeof SubResponse>;

/** Header names of each item lower-cased before validation, so `Idempotency-Key` reads as the route reads it. */
async function lowerCaseItemHeaders(request: FastifyRequest): Promise<void> {
  const body = request.body as { requests?: unknown } | null | undefined;
  if (!body || !Array.isArray(body.requests)) return;
  for (const item of body.requests as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const headers = (item as { headers?: unknown }).headers;
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) continue;
    (item as { headers: Record<string, unknown> }).headers = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
  }
}

function bodyOf(answer: LightMyRequestResponse): unknown {
  if (answer.payload === '') return null;
  const type = String(answer.headers['content-type'] ?? '');
  if (/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    try {
      return JSON.parse(answer.payload) as unknown;
    } catch {
      return answer.payload;
    }
  }
  return answer.payload;
}

function headersOf(answer: LightMyRequestResponse): SubResponse['headers'] {
  const out: Record<string, string> = {};
  for (const name of ANSWERED_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/**
 * Why the route a batch sub-request reached cannot be batched, or null. Routes are told apart by
 * their schema: what they consume, what their 200 answers, whether they are documented.
 */
export function unbatchableReason(request: FastifyRequest): string | null {
  const url = request.routeOptions.url;
  if (url === undefined) return null; // no route: the 404 answers as it would alone
  if (url === '/api/batch') return 'A batch cannot contain a batch';
  const schema = (request.routeOptions.schema ?? {}) as {
    hide?: boolean;
    consumes?: readonly string[];
    response?: Record<string, unknown>;
  };
  if (schema.hide === true) return 'This route cannot be called in a batch';
  if (schema.consumes?.some((type) => type.startsWith('multipart/'))) {
    return 'Uploads (multipart/form-data) cannot be sent in a batch';
  }
  const ok = (schema.response?.['200'] ?? schema.response?.[200]) as
    { content?: Record<string, unknown> } | undefined;
  const types = ok?.content ? Object.keys(ok.content) : [];
  if (types.length > 0) {
    if (types.includes('text/event-stream')) return 'Realtime channels cannot be opened in a batch';
    if (!types.includes('application/json')) return 'File answers (exports) cannot be fetched in a batch';
    const format = (request.query as Record<string, unknown> | undefined)?.format;
    if (format !== undefined && format !== 'json') {
      return 'File answers (format other than json) cannot be fetched in a batch';
    }
  }
  return null;
}

/**
 * A root onRequest hook: a sub-request of a batch that reached a route no batch may call is
 * refused with 400 BATCH_REQUEST_NOT_ALLOWED (before rate limits and guards: nothing ran).
 */
export function refuseUnbatchable(app: App): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers[SUBREQUEST_HEADER] !== SUBREQUEST_MARK) return done();
    const reason = unbatchableReason(request);
    done(reason === null ? undefined : new DomainFailure(httpError('BATCH_REQUEST_NOT_ALLOWED', reason)));
  });
}

/** What a sub-request sends: its own allowed headers, the caller's identity, the batch mark. */
function injectOptions(request: FastifyRequest, sub: SubRequest, index: number): InjectOptions {
  const headers: Record<string, string> = {};
  for (const name of SUB_HEADERS) {
    const value = sub.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  for (const name of CARRIED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  headers[SUBREQUEST_HEADER] = SUBREQUEST_MARK;
  // Correlation: the sub-request's id names the batch's (genReqId accepts [\w.-]{1,64}).
  headers['x-request-id'] = `${request.id}.${index}`.slice(-64);
  const hasBody = sub.body !== undefined;
  if (hasBody) headers['content-type'] = 'application/json';
  return {
    method: sub.method,
    url: sub.path,
    ...(sub.query !== undefined ? { query: sub.query } : {}),
    headers,
    ...(hasBody ? { payload: JSON.stringify(sub.body) } : {}),
    // The caller's address (as the server resolved it, proxies included): per-IP limits, the
    // failed-auth budget and the audit log see the real caller.
    remoteAddress: request.ip,
  };
}

const ABORTED = {
  status: 'error',
  message: 'Not run: an earlier request of the batch failed (stopOnError)',
  code: 'BATCH_ABORTED',
} as const;

export async function batchRoutes(app: App, deps: HttpRouteDeps & { readonly server: App }): Promise<void> {
  void deps.resolve;
  app.post(
    '/',
    {
      preValidation: lowerCaseItemHeaders,
      // An admin's batch is audited as one bulk operation; each item also has its own entry
      // (its requestId is the batch's, dot, the item's index).
      config: { audit: { resource: 'batch', action: 'bulk_operation' } },
      schema: {
        tags: ['batch'],
        summary: `Up to ${BATCH_MAX_REQUESTS} API requests in one call, run in order`,
        description:
          "Each item runs through the normal routing, one after the other, with the batch request's " +
          "Authorization and from the caller's address: it spends the caller's rate budgets and is " +
          'refused what the caller would be refused. Items may carry only Idempotency-Key, ' +
          'X-Admin-Confirmation, the X-Signature headers and If-None-Match. Uploads, realtime channels, ' +
          'file exports and /api/batch itself answer a per-item 400 BATCH_REQUEST_NOT_ALLOWED. ' +
          "Always 200 once the batch is valid; read each item's status.",
        body: BatchBody,
        response: {
          200: success({ responses: Type.Array(SubResponse) }),
          ...errors(400, 413, 429),
        },
      },
    },
    async (request) => {
      const { requests, stopOnError } = request.body as BatchBody;
      const responses: SubResponse[] = [];
      let failed = false;
      for (const [index, sub] of requests.entries()) {
        const id = sub.id ?? String(index);
        if (failed) {
          responses.push({
            id,
            status: STATUS_BY_CODE.BATCH_ABORTED,
            headers: { 'content-type': 'application/json' },
            body: ABORTED,
          });
          continue;
        }
        const answer = await deps.server.inject(injectOptions(request, sub, index));
        responses.push({ id, status: answer.statusCode, headers: headersOf(answer), body: bodyOf(answer) });
        if (stopOnError === true && answer.statusCode >= 400) failed = true;
      }
      return { status: 'success' as const, data: { responses } };
    },
  );
}
