import type { FastifyRequest } from 'fastify';
import { Type, type TSchema, type TProperties } from '@fastify/type-provider-typebox';

/** A 24-hex entity id, as MongoDB would emit it. Anything else is a 400 before any lookup. */
export const ObjectId = Type.String({
  pattern: '^[0-9a-f]{24}$',
  description: '24 lowercase hex characters',
});
export const IdParams = Type.Object({ id: ObjectId }, { additionalProperties: false });
export const IsoDate = Type.String({ format: 'date-time' });
/** Money on the wire: a decimal number of major units (rupees), e.g. 1299 or 25.99. */
export const Amount = Type.Number({ minimum: 0 });

/**
 * The error envelope (compat 0.5). Extra fields appear on some errors: `code` (always: the stable
 * machine code), `errors` (validation: offending fields), `missingFields`, `requiresConfirmation`,
 * `transactionAborted`, `requestId` (500s).
 */
export const ErrorBody = Type.Object(
  {
    status: Type.Union([Type.Literal('error'), Type.Literal('fail')]),
    message: Type.String(),
    code: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'Error envelope' },
);

/** Rate-limit answer (compat 0.5): `error` carries the text. */
export const RateLimitBody = Type.Object(
  { status: Type.Literal('error'), error: Type.String(), message: Type.String() },
  { additionalProperties: true },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input or a business rule refused the request',
  401: 'Missing, invalid, expired or revoked token',
  403: 'Authenticated but not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body too large',
  422: 'Semantically invalid',
  429: 'Too many requests',
  502: 'A downstream service failed',
  503: 'Not available on this deployment (e.g. PAYMENTS_DISABLED)',
};

/** Error responses for a route's schema, so the OpenAPI document lists every failure. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [...statuses, 500]) {
    const base = s === 429 ? RateLimitBody : ErrorBody;
    out[s] = { ...base, description: ERROR_DESCRIPTIONS[s] ?? 'Unexpected server error (carries requestId)' };
  }
  return out;
}

/** `{status: 'success', data: {...}}` plus optional top-level fields (count, message, ...). */
export function success<D extends TProperties, T extends TProperties = Record<never, never>>(
  data: D,
  top?: T,
) {
  return Type.Object({
    status: Type.Literal('success'),
    message: Type.Optional(Type.String()),
    ...(top ?? ({} as T)),
    data: Type.Object(data),
  });
}

export const bearerAuth = [{ bearerAuth: [] }];

/** preValidation for routes whose body is optional: an absent body is validated as `{}`. */
export async function absentBodyAsEmptyObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}
