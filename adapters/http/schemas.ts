import type { FastifyRequest } from 'fastify';
import type { Ajv } from 'ajv';
import { Type, type TStringOptions, type TSchema, type TProperties } from '@fastify/type-provider-typebox';
import { IMAGE_URL_MAX_LENGTH, isImageUrl } from '../../domain/shared/image-url.js';
import {
  isP256PublicKey,
  isPushAuthSecret,
  isPushEndpoint,
} from '../../domain/notifications/push-subscription.js';
import { isPlainText, PLAIN_TEXT_MESSAGE, type TextKind } from '../../domain/shared/text.js';

/** A 24-hex entity id, as MongoDB would emit it. Anything else is a 400 before any lookup. */
export const ObjectId = Type.String({
  pattern: '^[0-9a-f]{24}$',
  description: '24 lowercase hex characters',
});
export const IdParams = Type.Object({ id: ObjectId }, { additionalProperties: false });
export const IsoDate = Type.String({ format: 'date-time' });

// ---- numbers ------------------------------------------------------------------------------------
// Every numeric input is finite (the ajv instances refuse NaN and Infinity) and bounded here, so a
// `1e308` or a `1e+25` page is a 400 naming the field instead of an overflow further in.

/** Bounds of numeric inputs, in one place. Money is in major units (rupees). */
export const INPUT_BOUNDS = {
  /** 1 crore rupees: far above any order or price, far below where minor units lose precision. */
  amount: 10_000_000,
  page: 100_000,
  quantity: 10_000,
  stock: 1_000_000,
  /** Usage limits of a promo code. */
  uses: 1_000_000,
  pixels: 100_000,
  bytes: 1_073_741_824,
} as const;

/** Money on the wire: a decimal number of major units (rupees), e.g. 1299 or 25.99. */
export const Amount = Type.Number({ minimum: 0, maximum: INPUT_BOUNDS.amount });
export const describedAmount = (description: string) =>
  Type.Number({ minimum: 0, maximum: INPUT_BOUNDS.amount, description });
/** An amount that must be above zero (a partial refund): at least one paisa. */
export const PositiveAmount = (description?: string) =>
  Type.Number({ minimum: 0.01, maximum: INPUT_BOUNDS.amount, ...(description ? { description } : {}) });
/**
 * A price whose lower bound (`> 0`) is a domain rule with its own compat message
 * (`Price must be greater than 0`), so only the upper bound is checked here.
 */
export const PriceInput = (description?: string) =>
  Type.Number({ maximum: INPUT_BOUNDS.amount, ...(description ? { description } : {}) });
/** A number a client sends as a copy (totals, prices of cart lines): bounded, then ignored. */
export const IgnoredNumber = Type.Number({
  minimum: -INPUT_BOUNDS.amount,
  maximum: INPUT_BOUNDS.amount,
  description: 'Accepted and ignored',
});

/** `page` of a paginated list (1-based); `pageWithDefault()` for query strings that default it to 1. */
export const PageNumber = Type.Integer({ minimum: 1, maximum: INPUT_BOUNDS.page });
export const pageWithDefault = () => Type.Integer({ minimum: 1, maximum: INPUT_BOUNDS.page, default: 1 });
/** `limit` of a paginated list: 1 to `max`. */
export const PageSize = (max: number, defaultValue?: number) =>
  Type.Integer({
    minimum: 1,
    maximum: max,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  });
/** Units of one product in a cart line, order line or restock. */
export const Quantity = (max: number = INPUT_BOUNDS.quantity, defaultValue?: number) =>
  Type.Integer({
    minimum: 1,
    maximum: max,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  });
/** Units on hand (0 to the bound); `StockLevelUpTo` leaves the `>= 0` rule to the domain's message. */
export const StockLevel = (description?: string) =>
  Type.Integer({ minimum: 0, maximum: INPUT_BOUNDS.stock, ...(description ? { description } : {}) });
export const StockLevelUpTo = (description?: string) =>
  Type.Integer({ maximum: INPUT_BOUNDS.stock, ...(description ? { description } : {}) });
/** A signed change of stock. */
export const StockChange = (description?: string) =>
  Type.Integer({
    minimum: -INPUT_BOUNDS.stock,
    maximum: INPUT_BOUNDS.stock,
    ...(description ? { description } : {}),
  });
/** How many times something may be used (promo usage limits). */
export const UsageLimit = Type.Integer({ minimum: 1, maximum: INPUT_BOUNDS.uses });
export const PixelSize = Type.Integer({ minimum: 0, maximum: INPUT_BOUNDS.pixels });
export const ByteSize = Type.Integer({ minimum: 0, maximum: INPUT_BOUNDS.bytes });
export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });

// ---- text ---------------------------------------------------------------------------------------

/**
 * The schema keyword that applies the stored-text rule (`domain/shared/text.ts`): a string
 * carrying `'x-plain-text': 'single-line'` refuses control characters, bidirectional overrides
 * and unpaired surrogates; `'multi-line'` also allows tab, line feed and carriage return.
 */
export const PLAIN_TEXT_KEYWORD = 'x-plain-text';
/** The format of image URL strings: the domain's one image URL rule (`domain/shared/image-url.ts`). */
export const IMAGE_URL_FORMAT = 'image-url';
/** The formats of a Web Push subscription's parts: the domain's one rule (`domain/notifications/push-subscription.ts`). */
export const PUSH_FORMATS = {
  endpoint: 'push-endpoint',
  p256dh: 'p256-public-key',
  auth: 'push-auth-secret',
} as const;

type TextOptions = Omit<TStringOptions, 'maxLength'>;

/** A one-line free text a person typed and others will read: a name, a title, a city. */
export const Text = (maxLength: number, options: TextOptions = {}) =>
  Type.String({ ...options, maxLength, [PLAIN_TEXT_KEYWORD]: 'single-line' satisfies TextKind });
/** A free text that may span lines: a description, a comment, a note. */
export const LongText = (maxLength: number, options: TextOptions = {}) =>
  Type.String({ ...options, maxLength, [PLAIN_TEXT_KEYWORD]: 'multi-line' satisfies TextKind });
/** An image URL, wherever one is accepted. */
export const ImageUrl = (description = 'Absolute http(s) URL of the image') =>
  Type.String({ minLength: 1, maxLength: IMAGE_URL_MAX_LENGTH, format: IMAGE_URL_FORMAT, description });

/**
 * Teaches an ajv instance the input rules above; the server calls it on each of its validators.
 * The refusals read `body.name must not contain control characters, ...` and
 * `body.images.0.url must match format "image-url"`.
 */
export function addInputRules(ajv: Ajv): void {
  ajv.addFormat(IMAGE_URL_FORMAT, { type: 'string', validate: isImageUrl });
  ajv.addFormat(PUSH_FORMATS.endpoint, { type: 'string', validate: isPushEndpoint });
  ajv.addFormat(PUSH_FORMATS.p256dh, { type: 'string', validate: isP256PublicKey });
  ajv.addFormat(PUSH_FORMATS.auth, { type: 'string', validate: isPushAuthSecret });
  ajv.addKeyword({
    keyword: PLAIN_TEXT_KEYWORD,
    type: 'string',
    schemaType: 'string',
    metaSchema: { enum: ['single-line', 'multi-line'] },
    error: { message: PLAIN_TEXT_MESSAGE },
    validate: (kind: TextKind, data: string) => isPlainText(data, kind),
  });
}

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
  503: 'Not available on this deployment (e.g. PAYMENTS_DISABLED, PUSH_NOT_CONFIGURED)',
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
