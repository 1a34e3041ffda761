import type { FastifyReply, FastifyRequest } from 'fastify';
import { SIGNING_KEYS, type SigningKeys } from '../../../application/identity/ports.js';
import { NONCE_STORE, type NonceStore } from '../../../application/identity/request-nonces.js';
import { CLOCK, type Clock } from '../../../application/shared/ports.js';
import type { Principal } from '../../../domain/identity/user.js';
import { DomainFailure, httpError } from '../errors.js';
import type { Resolver } from '../types.js';
import {
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  SIGNATURE_PATTERN,
  SIGNATURE_WINDOW_SECONDS,
  TIMESTAMP_PATTERN,
  signatureMatches,
  signatureOf,
} from './canonical.js';
import { signatureRequiredFor } from './sensitive.js';

/**
 * Checks the request signature of a sensitive operation once its caller is known; throws the
 * refusal (DomainFailure) when one is required and missing or wrong. Called by the auth hooks
 * (adapters/http/auth.ts) right after a principal is established.
 */
export type SignatureCheck = (
  request: FastifyRequest,
  reply: FastifyReply | undefined,
  principal: Principal,
) => Promise<void>;

/** The raw JSON body of each request, as the content-type parser of server.ts received it. */
const rawBodies = new WeakMap<FastifyRequest, string>();
/** Requests whose body has been read (past preValidation): their signature can be checked at once. */
const bodyRead = new WeakSet<FastifyRequest>();
/** Checks waiting for the body: the /api/admin guard runs onRequest, before the body is read. */
const deferred = new WeakMap<FastifyRequest, () => Promise<void>>();

/** Keeps the raw body of a JSON request for its signature (server.ts's JSON parser). */
export function keepRawBody(request: FastifyRequest, text: string): void {
  rawBodies.set(request, text);
}

/**
 * A root preValidation hook (server.ts): the body has been read, so a check the admin guard
 * deferred runs now, before validation and the handler.
 */
export function completeDeferredSignatureCheck(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  // Callback style: every request passes here and almost none has a check waiting.
  bodyRead.add(request);
  const check = deferred.get(request);
  if (!check) return done();
  deferred.delete(request);
  check().then(() => done(), done);
}

function refuse(
  code: 'SIGNATURE_REQUIRED' | 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED' | 'NONCE_REUSED',
  message: string,
): never {
  throw new DomainFailure(httpError(code, message));
}

/** One header's value, or undefined when absent; a repeated header is invalid. */
function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') refuse('SIGNATURE_INVALID', `${name} must be sent once`);
  return value;
}

export function signatureCheck(resolve: Resolver): SignatureCheck {
  const keys = resolve.get<SigningKeys>(SIGNING_KEYS);
  const nonces = resolve.get<NonceStore>(NONCE_STORE);
  const clock = resolve.get<Clock>(CLOCK);

  return async (request, _reply, principal) => {
    const why = signatureRequiredFor(request.method, request.routeOptions.url, principal);
    if (why === null) return;

    const timestamp = header(request, SIGNATURE_HEADERS.timestamp);
    const nonce = header(request, SIGNATURE_HEADERS.nonce);
    const signature = header(request, SIGNATURE_HEADERS.signature);
    const missing = [
      timestamp === undefined ? 'X-Signature-Timestamp' : null,
      nonce === undefined ? 'X-Signature-Nonce' : null,
      signature === undefined ? 'X-Signature' : null,
    ].filter((name) => name !== null);
    if (timestamp === undefined || nonce === undefined || signature === undefined) {
      refuse(
        'SIGNATURE_REQUIRED',
        `This operation (${why}) needs a request signature; missing ${missing.join(', ')}`,
      );
    }
    if (!TIMESTAMP_PATTERN.test(timestamp)) {
      refuse('SIGNATURE_INVALID', 'X-Signature-Timestamp must be the Unix time in seconds');
    }
    if (!NONCE_PATTERN.test(nonce)) {
      refuse('SIGNATURE_INVALID', 'X-Signature-Nonce must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -');
    }
    if (!SIGNATURE_PATTERN.test(signature)) {
      refuse('SIGNATURE_INVALID', 'X-Signature must be a hex HMAC-SHA256 (64 hex digits)');
    }
    const seconds = Number(timestamp);
    const nowSeconds = Math.floor(clock.now().getTime() / 1000);
    if (Math.abs(nowSeconds - seconds) > SIGNATURE_WINDOW_SECONDS) {
      refuse('SIGNATURE_EXPIRED', 'X-Signature-Timestamp is more than 5 minutes away from the server time');
    }

    // Nonces are scoped per signing key: one caller's nonce never collides with another's.
    const [scope, key] = principal.apiKey
      ? [`api-key:${principal.apiKey.id}`, keys.forApiKey(principal.apiKey.id)]
      : [
          `session:${principal.sessionId ?? principal.tokenId}`,
          keys.forSession(principal.sessionId ?? principal.tokenId),
        ];

    const verify = async (): Promise<void> => {
      const expected = signatureOf(key, {
        method: request.method,
        pathWithQuery: request.originalUrl,
        timestamp,
        nonce,
        body: rawBodies.get(request) ?? '',
      });
      if (!signatureMatches(expected, signature))
        refuse('SIGNATURE_INVALID', 'Request signature does not match');
      // Claimed only once the signature holds, until the timestamp leaves the window: later, the
      // timestamp alone refuses a replay.
      const until = new Date((seconds + SIGNATURE_WINDOW_SECONDS + 1) * 1000);
      if (!(await nonces.claim(`${scope}:${nonce}`, until))) {
        refuse('NONCE_REUSED', 'X-Signature-Nonce was already used');
      }
    };
    if (bodyRead.has(request)) await verify();
    else deferred.set(request, verify);
  };
}
