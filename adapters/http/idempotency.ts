import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { canonicalJson } from '../../application/idempotency/canonical-json.js';
import {
  IDEMPOTENCY_SETTINGS,
  IDEMPOTENCY_STORE,
  type IdempotencySettings,
  type IdempotencyStore,
  type StoredResponse,
} from '../../application/idempotency/ports.js';
import { CLOCK, type Clock } from '../../application/shared/ports.js';
import { domainError } from '../../domain/shared/errors.js';
import { DomainFailure, httpError } from './errors.js';
import type { RouteDeps } from './types.js';

/**
 * `Idempotency-Key` on POST routes that opt in (issue 4). Scope: the authenticated user (else the
 * client IP) + method + route + key. With the same key:
 * - the same body (same canonical JSON) gets the FIRST response again (status and body) with
 *   `Idempotent-Replayed: true`, the handler not running again;
 * - another body is a 422 IDEMPOTENCY_KEY_REUSED;
 * - while the first request is still running, a duplicate WAITS for it (up to `waitMs`, 3 s) and
 *   then replays its answer; if it is still running after that, 409 IDEMPOTENCY_KEY_IN_PROGRESS
 *   with `Retry-After: 1`.
 * Answers below 500 are kept 24 h (a refused order is refused again on retry); a 5xx releases
 * the key (the retry runs again), and so does a crash: the claim's 60 s lease runs out.
 * Without the header nothing changes.
 *
 * Opting in (after the auth preHandler, so the user is known):
 *   const idem = idempotent(deps);
 *   app.post('/x', { preHandler: [requireAuth, idem.preHandler], onSend: idem.onSend,
 *     schema: { headers: IdempotencyKeyHeaders, response: { 201: replayable(success(...)),
 *     ...errors(400, 401, 409, 422, 429) } } }, handler)
 */

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** 1-255 printable ASCII characters (space to tilde). */
const KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/** The route's `schema.headers`: documents the header in OpenAPI and validates it (400 if invalid). */
export const IdempotencyKeyHeaders = Type.Object({
  [IDEMPOTENCY_KEY_HEADER]: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x20-\\x7E]+$',
      description:
        'Optional. 1-255 printable characters (a UUID is a good choice), unique per intended operation. ' +
        'Retrying with the same key and the same body answers the first response again (with ' +
        '`Idempotent-Replayed: true`) without doing the work twice; the same key with another body ' +
        'is a 422 IDEMPOTENCY_KEY_REUSED; while the first is still running a duplicate waits up to ' +
        '3 s for its answer, else 409 IDEMPOTENCY_KEY_IN_PROGRESS. Keys are per user (per IP when ' +
        'anonymous) and route, and kept 24 h; 5xx answers are not kept.',
    }),
  ),
});

/** A success response schema, documented with the `Idempotent-Replayed` header of replays. */
export function replayable<T extends TSchema>(schema: T): T {
  return {
    ...schema,
    headers: {
      [IDEMPOTENT_REPLAYED_HEADER]: {
        type: 'string',
        enum: ['true'],
        description:
          'Present (`true`) when this is the stored answer to an earlier request with the same Idempotency-Key.',
      },
    },
  };
}

/** SHA-256 (hex) of the body's canonical JSON: equal for bodies that mean the same. */
export function bodyFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The store's key: who (user or IP), method, route and the client's key, digested. */
export function scopedIdempotencyKey(parts: {
  caller: string;
  method: string;
  route: string;
  key: string;
}): string {
  return createHash('sha256')
    .update([parts.caller, parts.method.toUpperCase(), parts.route, parts.key].join('\n'))
    .digest('hex');
}

interface Claim {
  readonly key: string;
  readonly token: string;
}

export interface IdempotencyHooks {
  /** After authentication: claims the key, or answers (replay, 409, 422) without the handler. */
  preHandler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Stores the answer of a claimed request (below 500), or releases the claim (5xx). */
  onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The route-level hooks; build once per routes plugin (they resolve the store once). */
export function idempotent(deps: RouteDeps): IdempotencyHooks {
  const store = deps.resolve.get<IdempotencyStore>(IDEMPOTENCY_STORE);
  const clock = deps.resolve.get<Clock>(CLOCK);
  const settings = deps.resolve.get<IdempotencySettings>(IDEMPOTENCY_SETTINGS);
  const claims = new WeakMap<FastifyRequest, Claim>();

  function replay(reply: FastifyReply, response: StoredResponse): FastifyReply {
    reply.code(response.statusCode);
    reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    reply.header('content-type', response.contentType ?? 'application/json; charset=utf-8');
    return reply.send(response.body);
  }

  async function preHandler(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const raw = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (raw === undefined) return undefined;
    const clientKey = Array.isArray(raw) ? raw.join(', ') : raw;
    if (!KEY_PATTERN.test(clientKey)) {
      throw new DomainFailure(
        domainError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 printable characters', {
          errors: [{ field: 'headers.idempotency-key', message: 'must be 1-255 printable characters' }],
        }),
      );
    }
    const principal = request.principal;
    const key = scopedIdempotencyKey({
      caller: principal ? `user:${principal.user.id}` : `ip:${request.ip}`,
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      key: clientKey,
    });
    const fingerprint = bodyFingerprint(request.body);
    const token = randomUUID();
    const deadline = Date.now() + settings.waitMs;
    for (let attempt = 0; ; attempt++) {
      const outcome = await store.claim({
        key,
        fingerprint,
        token,
        now: clock.now(),
        leaseMs: settings.leaseMs,
      });
      if (outcome.kind === 'claimed') {
        claims.set(request, { key, token });
        return undefined;
      }
      if (outcome.fingerprint !== fingerprint) {
        throw new DomainFailure(
          httpError(
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was already used with a different request body; use a new key for a new request',
          ),
        );
      }
      if (outcome.kind === 'completed') return replay(reply, outcome.response);
      if (Date.now() >= deadline) {
        reply.header('retry-after', '1');
        throw new DomainFailure(
          httpError(
            'IDEMPOTENCY_KEY_IN_PROGRESS',
            'A request with this Idempotency-Key is still being processed; retry shortly',
          ),
        );
      }
      await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() / 2));
    }
  }

  async function onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    try {
      if (reply.statusCode < 500 && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        const contentType = reply.getHeader('content-type');
        await store.complete(
          claim.key,
          claim.token,
          {
            statusCode: reply.statusCode,
            body: typeof payload === 'string' ? payload : payload.toString('utf8'),
            ...(typeof contentType === 'string' ? { contentType } : {}),
          },
          clock.now(),
          settings.retainMs,
        );
      } else {
        await store.release(claim.key, claim.token);
      }
    } catch (error) {
      // The work is done and answered; the key stays claimed until its lease ends.
      request.log.error({ err: error }, 'idempotency: could not record the answer');
    }
    return payload;
  }

  return { preHandler, onSend };
}
