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
  'TOO_MANY_ATTEMPTS',
  'MAIL_FAILED',
  'ADDRESS_NOT_FOUND',
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
  // ordering
  'ORDER_NOT_FOUND',
  'EMPTY_ORDER',
  'ORDER_NOT_CANCELLABLE',
  'INVALID_STATUS_TRANSITION',
  'ORDER_NOT_EXPIRABLE',
  'TOO_MANY_UNPAID_ORDERS',
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
  // location
  'PLACE_NOT_FOUND',
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
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Extra fields the edge adds to the error body (e.g. `missingFields`). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function domainError(
  code: ErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): DomainError {
  return details === undefined ? { code, message } : { code, message, details };
}
