/**
 * Stable machine codes for every expected failure of the domain and the use cases. The HTTP edge
 * maps each code to a status in one table (adapters/http/error-table.ts); the CLI prints code and
 * message. Add a code here first, then give it a status there: the type checker refuses a code
 * without one. Codes only a transport can raise (rate limits, idempotency keys, confirmation
 * headers, an unreachable database) are declared by that adapter, not here
 * (test/architecture/domain-errors.test.ts keeps them out).
 */
export const ERROR_CODES = [
  // generic
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  // a pagination cursor that is malformed, tampered with, or made for another sort or filter
  'INVALID_CURSOR',
  // work refused before it started because a shared capacity is exhausted (the password-hashing
  // queue, one address's concurrent logins); details say when to retry
  'SERVER_BUSY',
  // identity
  'EMAIL_TAKEN',
  'INVALID_CREDENTIALS',
  'NOT_AUTHENTICATED',
  'USER_NO_LONGER_EXISTS',
  'USER_DEACTIVATED',
  'FORBIDDEN',
  'ADMIN_REQUIRED',
  'INVALID_CURRENT_PASSWORD',
  'RESET_TOKEN_INVALID',
  'SESSION_NOT_FOUND',
  'REFRESH_TOKEN_INVALID',
  'TOO_MANY_ATTEMPTS',
  'MAIL_FAILED',
  'ADDRESS_NOT_FOUND',
  // multi-factor sign-in (issue 13): already on / not on / no pending setup, a wrong or replayed
  // code, an unknown, used or expired login challenge, an admin route refused until MFA is on
  'MFA_ALREADY_ENABLED',
  'MFA_NOT_ENABLED',
  'MFA_SETUP_NOT_STARTED',
  'MFA_CODE_INVALID',
  'MFA_CHALLENGE_INVALID',
  'MFA_REQUIRED',
  'MFA_SETUP_REQUIRED',
  // API keys (issue 13): malformed or unknown, revoked, expired, creator gone / deactivated / no
  // longer admin (401); a route the key's scopes do not allow (403); no such key (404)
  'API_KEY_INVALID',
  'API_KEY_REVOKED',
  'API_KEY_EXPIRED',
  'API_KEY_CREATOR_INVALID',
  'API_KEY_SCOPE',
  'API_KEY_NOT_FOUND',
  // catalog
  'PRODUCT_NOT_FOUND',
  'CATEGORY_NOT_FOUND',
  'INVALID_CATEGORY',
  'CATEGORY_NAME_TAKEN',
  'CATEGORY_IN_USE',
  'MISSING_FIELDS',
  'INVALID_PRICE',
  'NEGATIVE_STOCK',
  'UNKNOWN_OPTION',
  // cart
  'INSUFFICIENT_STOCK',
  'PRODUCT_UNAVAILABLE',
  'CART_NOT_FOUND',
  'CART_ITEM_NOT_FOUND',
  'INVALID_QUANTITY',
  // wishlist
  'NOT_IN_WISHLIST',
  'MOVE_TO_CART_FAILED',
  // an atomic bulk move to the cart refused: nothing moved, `failed` names each product and why
  'BULK_MOVE_REFUSED',
  'BULK_OPERATION_NOT_FOUND',
  'SHARE_NOT_FOUND',
  'TOO_MANY_SHARE_LINKS',
  // search (issue 12): saved searches
  'SAVED_SEARCH_NOT_FOUND',
  'TOO_MANY_SAVED_SEARCHES',
  // ordering
  'ORDER_NOT_FOUND',
  'EMPTY_ORDER',
  'ORDER_NOT_CANCELLABLE',
  'INVALID_STATUS_TRANSITION',
  'ORDER_NOT_EXPIRABLE',
  'TOO_MANY_UNPAID_ORDERS',
  // delivery (issue 10)
  'DELIVERY_SLOT_UNKNOWN',
  'DELIVERY_SLOT_CLOSED',
  'DELIVERY_SLOT_FULL',
  'INVALID_DELIVERY_TRANSITION',
  // payments
  'WEBHOOK_SIGNATURE_INVALID',
  'PAYMENT_DECLINED',
  'PAYMENT_NOT_FOUND',
  'ORDER_ALREADY_PAID',
  'ORDER_NOT_PAID',
  'REFUND_EXCEEDS_PAYMENT',
  'PAYMENT_SIGNATURE_INVALID',
  'PAYMENT_GATEWAY_FAILED',
  'PAYMENT_METHOD_NOT_FOUND',
  'PAYMENTS_DISABLED',
  // notifications: Web Push has no VAPID keys on this deployment (issue 10)
  'PUSH_NOT_CONFIGURED',
  // location
  'PLACE_NOT_FOUND',
  // search: a "nearby" city the location context does not know
  'UNKNOWN_CITY',
  // media
  'IMAGE_NOT_FOUND',
  'INVALID_IMAGE',
  'IMAGE_TOO_LARGE',
  'IMAGE_STORE_FAILED',
  // promotions (issue 5)
  'PROMO_NOT_FOUND',
  'PROMO_EXPIRED',
  'PROMO_NOT_YET_VALID',
  'PROMO_BELOW_MINIMUM',
  'PROMO_CATEGORY_MISMATCH',
  'PROMO_EXHAUSTED',
  'PROMO_ALREADY_USED',
  'PROMO_INACTIVE',
  'PROMO_NOT_ELIGIBLE',
  'PROMO_CODE_TAKEN',
  // notifications (issue 10)
  'NOTIFICATION_NOT_FOUND',
  'TEMPLATE_NOT_FOUND',
  // the recipient has no address for that channel (a user without a phone, or no push subscription)
  'RECIPIENT_UNREACHABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One offending input field, as the HTTP body's `errors` lists them. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** When to try again: `error` mirrors the rate-limit body (compat 0.5), `retryAfter` is seconds. */
export interface RetryAfter {
  readonly error: string;
  readonly retryAfter: number;
}

/**
 * The details each code may carry, beside its message. A code not listed here carries none, and
 * `domainError` refuses details of an undeclared shape. The HTTP edge decides, per code, what of
 * them reaches the body (adapters/http/error-details.ts).
 */
export interface ErrorDetailsByCode {
  VALIDATION_FAILED: {
    /** each offending field; review content lists its problems as sentences */
    readonly errors?: readonly FieldProblem[] | readonly string[];
    readonly missingFields?: readonly string[];
    readonly maxImages?: number;
    readonly imageIds?: readonly string[];
    /** the gateway's own code, when a payment method it refused is the invalid input */
    readonly gatewayCode?: string;
  };
  /** which unique field a write clashed on (`id`, `orderNumber`, `user`, ...) */
  CONFLICT: { readonly field: string };
  SERVER_BUSY: RetryAfter;
  TOO_MANY_ATTEMPTS: RetryAfter & { readonly retryAt: string };
  /** how many unpaid orders one shopper may hold */
  TOO_MANY_UNPAID_ORDERS: { readonly limit: number };
  CATEGORY_IN_USE: { readonly productCount: number };
  /** the slots a day has */
  DELIVERY_SLOT_UNKNOWN: { readonly slots: readonly string[] };
  /** why: past, holiday, too-far, cutoff (domain/delivery/slots.ts) */
  DELIVERY_SLOT_CLOSED: { readonly reason: string };
  MISSING_FIELDS: { readonly missingFields: readonly string[] };
  UNKNOWN_OPTION: { readonly option: string; readonly name: string };
  INSUFFICIENT_STOCK: { readonly productId: string; readonly available?: number };
  PRODUCT_UNAVAILABLE: { readonly productId: string };
  INVALID_STATUS_TRANSITION: { readonly from: string; readonly to: string };
  INVALID_DELIVERY_TRANSITION: {
    readonly action: string;
    readonly deliveryState: string;
    readonly status: string;
  };
  WEBHOOK_SIGNATURE_INVALID: { readonly reason: string };
  PAYMENT_DECLINED: { readonly declineCode?: string; readonly paymentIntentId: string };
  REFUND_EXCEEDS_PAYMENT: { readonly refundable: number };
  PAYMENT_GATEWAY_FAILED: { readonly gatewayCode?: string };
  INVALID_IMAGE: { readonly acceptedTypes: readonly string[] };
  IMAGE_TOO_LARGE: { readonly maxBytes: number };
  BULK_MOVE_REFUSED: {
    readonly failed: readonly { readonly id: string; readonly code: string; readonly reason: string }[];
  };
  /** how many live share links one user may hold */
  TOO_MANY_SHARE_LINKS: { readonly limit: number };
  /** how many saved searches one user may keep */
  TOO_MANY_SAVED_SEARCHES: { readonly limit: number };
  /** in units of the currency, as the storefront shows it */
  PROMO_BELOW_MINIMUM: { readonly minOrderAmount: number };
}

/** Codes that carry details. */
export type DetailedCode = keyof ErrorDetailsByCode;

/**
 * Added to any failure of a multi-step operation that was rolled back (the wishlist's
 * move-to-cart, compat 6): nothing it did stayed.
 */
export interface AbortMark {
  readonly transactionAborted?: true;
}

/** The details code `C` may carry. */
export type ErrorDetails<C extends ErrorCode> = (C extends DetailedCode ? ErrorDetailsByCode[C] : unknown) &
  AbortMark;

/** An expected failure: one variant per code, so `details` is typed by `code`. */
export type DomainError = {
  readonly [C in ErrorCode]: {
    readonly code: C;
    readonly message: string;
    readonly details?: ErrorDetails<C>;
  };
}[ErrorCode];

/** `error`, marked as the failure of an operation that was rolled back (see AbortMark). */
export function aborted(error: DomainError): DomainError {
  // Every variant's details accept the mark; spreading the union loses which variant it was.
  return { ...error, details: { ...error.details, transactionAborted: true } } as DomainError;
}

export function domainError<C extends ErrorCode>(
  code: C,
  message: string,
  details?: ErrorDetails<C>,
): DomainError {
  return (details === undefined ? { code, message } : { code, message, details }) as DomainError;
}
