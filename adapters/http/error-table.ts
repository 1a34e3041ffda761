import type { ErrorCode, ErrorDetailsByCode, RetryAfter } from '../../domain/shared/errors.js';

/**
 * Codes only the HTTP edge raises: they name transport mechanics (rate limits, Idempotency-Key
 * and X-Admin-Confirmation headers, the database not answering a request), so the domain does not
 * declare them. Never the same as a domain code (tsc checks it below).
 */
export const HTTP_ERROR_CODES = [
  'CONFIRMATION_REQUIRED',
  'RATE_LIMITED',
  // the database did not answer (issue 8); the request may be retried
  'DATABASE_UNAVAILABLE',
  // idempotency keys (issue 4)
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_PROGRESS',
  // a realtime channel path asked for with neither a WebSocket upgrade nor Accept: text/event-stream
  'UPGRADE_REQUIRED',
  // request signing (issue 13, adapters/http/signing): missing, wrong or malformed, outside the
  // 5-minute window, nonce already accepted
  'SIGNATURE_REQUIRED',
  'SIGNATURE_INVALID',
  'SIGNATURE_EXPIRED',
  'NONCE_REUSED',
  // POST /api/batch (issue 14): an item reached a route no batch may call (itself, uploads,
  // realtime, file exports); with stopOnError, the items after a failed one are not run
  'BATCH_REQUEST_NOT_ALLOWED',
  'BATCH_ABORTED',
] as const;

export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** The details each HTTP-only code may carry (as ErrorDetailsByCode for the domain's). */
export interface HttpErrorDetailsByCode {
  RATE_LIMITED: RetryAfter;
  CONFIRMATION_REQUIRED: { readonly requiresConfirmation: true };
}

export type HttpErrorDetails<C extends HttpErrorCode> = C extends keyof HttpErrorDetailsByCode
  ? HttpErrorDetailsByCode[C]
  : never;

/** Every code an error answer can carry: the domain's and the HTTP edge's own. */
export type AnswerCode = ErrorCode | HttpErrorCode;

// A transport code that is also a domain code would be declared twice: refuse it at compile time.
const noSharedCode: [Extract<HttpErrorCode, ErrorCode>] extends [never] ? true : never = true;
void noSharedCode;

/**
 * The code the client reads when it is not the failure's own: a use case refusing work for lack
 * of capacity (SERVER_BUSY) answers like every other 429, `RATE_LIMITED` (compat 0.5).
 */
export const WIRE_CODE: Readonly<Partial<Record<AnswerCode, HttpErrorCode>>> = {
  SERVER_BUSY: 'RATE_LIMITED',
};

/**
 * The one table from error codes (domain and transport) to HTTP statuses. 401/403 are reserved for real
 * authentication/authorisation failures: the storefront logs the shopper out on either
 * (compat 0.5), so ordinary business failures never use them: a wrong password at login is a
 * 400 `Invalid credentials`, which the login page shows as is (compat 1 allows either).
 */
export const STATUS_BY_CODE: Readonly<Record<AnswerCode, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_CURSOR: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SERVER_BUSY: 429,
  CONFIRMATION_REQUIRED: 400,
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  UPGRADE_REQUIRED: 426,
  // An unsigned, wrongly signed, stale or replayed sensitive request is not authenticated.
  SIGNATURE_REQUIRED: 401,
  SIGNATURE_INVALID: 401,
  SIGNATURE_EXPIRED: 401,
  NONCE_REUSED: 401,
  BATCH_REQUEST_NOT_ALLOWED: 400,
  BATCH_ABORTED: 424,
  EMAIL_TAKEN: 400,
  INVALID_CREDENTIALS: 400,
  NOT_AUTHENTICATED: 401,
  USER_NO_LONGER_EXISTS: 401,
  USER_DEACTIVATED: 401,
  FORBIDDEN: 403,
  ADMIN_REQUIRED: 403,
  INVALID_CURRENT_PASSWORD: 400,
  RESET_TOKEN_INVALID: 400,
  SESSION_NOT_FOUND: 404,
  REFRESH_TOKEN_INVALID: 401,
  TOO_MANY_ATTEMPTS: 429,
  MAIL_FAILED: 502,
  ADDRESS_NOT_FOUND: 404,
  MFA_ALREADY_ENABLED: 409,
  MFA_NOT_ENABLED: 409,
  MFA_SETUP_NOT_STARTED: 409,
  MFA_CODE_INVALID: 400,
  MFA_CHALLENGE_INVALID: 400,
  MFA_REQUIRED: 400,
  MFA_SETUP_REQUIRED: 403,
  API_KEY_INVALID: 401,
  API_KEY_REVOKED: 401,
  API_KEY_EXPIRED: 401,
  API_KEY_CREATOR_INVALID: 401,
  API_KEY_SCOPE: 403,
  API_KEY_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  CATEGORY_NOT_FOUND: 404,
  INVALID_CATEGORY: 400,
  CATEGORY_NAME_TAKEN: 409,
  CATEGORY_IN_USE: 409,
  MISSING_FIELDS: 400,
  INVALID_PRICE: 400,
  NEGATIVE_STOCK: 400,
  UNKNOWN_OPTION: 400,
  INSUFFICIENT_STOCK: 400,
  PRODUCT_UNAVAILABLE: 400,
  CART_NOT_FOUND: 404,
  CART_ITEM_NOT_FOUND: 404,
  INVALID_QUANTITY: 400,
  NOT_IN_WISHLIST: 400,
  MOVE_TO_CART_FAILED: 409,
  BULK_MOVE_REFUSED: 409,
  BULK_OPERATION_NOT_FOUND: 404,
  // revoked and expired links answer like unknown ones: the link says nothing more
  SHARE_NOT_FOUND: 404,
  TOO_MANY_SHARE_LINKS: 409,
  SAVED_SEARCH_NOT_FOUND: 404,
  TOO_MANY_SAVED_SEARCHES: 409,
  ORDER_NOT_FOUND: 404,
  EMPTY_ORDER: 400,
  ORDER_NOT_CANCELLABLE: 400,
  INVALID_STATUS_TRANSITION: 400,
  ORDER_NOT_EXPIRABLE: 409,
  // A shopper holding too many unpaid orders pays or cancels one first (never 429: not a rate limit).
  TOO_MANY_UNPAID_ORDERS: 409,
  DELIVERY_SLOT_UNKNOWN: 400,
  DELIVERY_SLOT_CLOSED: 409,
  DELIVERY_SLOT_FULL: 409,
  // A delivery update out of order (delivered before out for delivery, anything after delivered).
  INVALID_DELIVERY_TRANSITION: 409,
  WEBHOOK_SIGNATURE_INVALID: 400,
  // 402 Payment Required is what Stripe answers a declined card with; never 401/403 (compat 0.5).
  PAYMENT_DECLINED: 402,
  PAYMENT_NOT_FOUND: 404,
  ORDER_ALREADY_PAID: 409,
  ORDER_NOT_PAID: 409,
  REFUND_EXCEEDS_PAYMENT: 400,
  PAYMENT_SIGNATURE_INVALID: 400,
  PAYMENT_GATEWAY_FAILED: 502,
  // Another customer's saved method is answered like an unknown one (never 403, compat 0.5).
  PAYMENT_METHOD_NOT_FOUND: 404,
  // This deployment takes no payments through that flow (no gateway configured): not a bug, not the client's.
  PAYMENTS_DISABLED: 503,
  // No VAPID keys configured: browsers cannot subscribe here (a deployment choice, like PAYMENTS_DISABLED).
  PUSH_NOT_CONFIGURED: 503,
  PLACE_NOT_FOUND: 404,
  // the field is the client's input (filters.location.city), not a resource it addressed
  UNKNOWN_CITY: 400,
  IMAGE_NOT_FOUND: 404,
  INVALID_IMAGE: 400,
  IMAGE_TOO_LARGE: 413,
  IMAGE_STORE_FAILED: 502,
  PROMO_NOT_FOUND: 404,
  PROMO_EXPIRED: 400,
  PROMO_NOT_YET_VALID: 400,
  PROMO_BELOW_MINIMUM: 400,
  PROMO_CATEGORY_MISMATCH: 400,
  PROMO_EXHAUSTED: 409,
  PROMO_ALREADY_USED: 409,
  PROMO_INACTIVE: 400,
  PROMO_NOT_ELIGIBLE: 400,
  PROMO_CODE_TAKEN: 409,
  NOTIFICATION_NOT_FOUND: 404,
  // an unknown template is a bad input of the request naming it, not a missing resource of the URL
  TEMPLATE_NOT_FOUND: 400,
  RECIPIENT_UNREACHABLE: 422,
};

type AllDetailsByCode = ErrorDetailsByCode & HttpErrorDetailsByCode;

/** Fields an error body shows beside `status`, `message` and `code`. */
export type BodyFields = Readonly<Record<string, unknown>>;

/**
 * The one place details become body fields: for each code that carries details, which of them the
 * client sees and under which names (tsc refuses a detailed code without an entry). Undefined
 * fields are left out; a rolled-back operation's `transactionAborted` is added after them.
 */
export const BODY_FIELDS: {
  readonly [C in keyof AllDetailsByCode]: (details: AllDetailsByCode[C]) => BodyFields;
} = {
  VALIDATION_FAILED: ({ errors, missingFields, maxImages, imageIds, gatewayCode }) => ({
    errors,
    missingFields,
    maxImages,
    imageIds,
    gatewayCode,
  }),
  CONFLICT: ({ field }) => ({ field }),
  SERVER_BUSY: ({ error, retryAfter }) => ({ error, retryAfter }),
  RATE_LIMITED: ({ error, retryAfter }) => ({ error, retryAfter }),
  TOO_MANY_ATTEMPTS: ({ error, retryAfter, retryAt }) => ({ error, retryAfter, retryAt }),
  CONFIRMATION_REQUIRED: ({ requiresConfirmation }) => ({ requiresConfirmation }),
  TOO_MANY_UNPAID_ORDERS: ({ limit }) => ({ limit }),
  DELIVERY_SLOT_UNKNOWN: ({ slots }) => ({ slots }),
  DELIVERY_SLOT_CLOSED: ({ reason }) => ({ reason }),
  CATEGORY_IN_USE: ({ productCount }) => ({ productCount }),
  MISSING_FIELDS: ({ missingFields }) => ({ missingFields }),
  UNKNOWN_OPTION: ({ option, name }) => ({ option, name }),
  INSUFFICIENT_STOCK: ({ productId, available }) => ({ productId, available }),
  PRODUCT_UNAVAILABLE: ({ productId }) => ({ productId }),
  INVALID_STATUS_TRANSITION: ({ from, to }) => ({ from, to }),
  INVALID_DELIVERY_TRANSITION: ({ action, deliveryState, status }) => ({ action, deliveryState, status }),
  WEBHOOK_SIGNATURE_INVALID: ({ reason }) => ({ reason }),
  PAYMENT_DECLINED: ({ declineCode, paymentIntentId }) => ({ declineCode, paymentIntentId }),
  REFUND_EXCEEDS_PAYMENT: ({ refundable }) => ({ refundable }),
  PAYMENT_GATEWAY_FAILED: ({ gatewayCode }) => ({ gatewayCode }),
  INVALID_IMAGE: ({ acceptedTypes }) => ({ acceptedTypes }),
  IMAGE_TOO_LARGE: ({ maxBytes }) => ({ maxBytes }),
  PROMO_BELOW_MINIMUM: ({ minOrderAmount }) => ({ minOrderAmount }),
  BULK_MOVE_REFUSED: ({ failed }) => ({ failed }),
  TOO_MANY_SHARE_LINKS: ({ limit }) => ({ limit }),
  TOO_MANY_SAVED_SEARCHES: ({ limit }) => ({ limit }),
};
