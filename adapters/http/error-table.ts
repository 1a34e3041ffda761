import type { ErrorCode } from '../../domain/shared/errors.js';

/**
 * The one table from domain error codes to HTTP statuses. 401/403 are reserved for real
 * authentication/authorisation failures: the storefront logs the shopper out on either
 * (compat 0.5), so ordinary business failures never use them: a wrong password at login is a
 * 400 `Invalid credentials`, which the login page shows as is (compat 1 allows either).
 */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONFIRMATION_REQUIRED: 400,
  RATE_LIMITED: 429,
  EMAIL_TAKEN: 400,
  INVALID_CREDENTIALS: 400,
  NOT_AUTHENTICATED: 401,
  USER_NO_LONGER_EXISTS: 401,
  USER_DEACTIVATED: 401,
  FORBIDDEN: 403,
  ADMIN_REQUIRED: 403,
  INVALID_CURRENT_PASSWORD: 400,
  RESET_TOKEN_INVALID: 400,
  TOO_MANY_ATTEMPTS: 429,
  MAIL_FAILED: 502,
  ADDRESS_NOT_FOUND: 404,
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
  CART_NOT_FOUND: 404,
  CART_ITEM_NOT_FOUND: 404,
  INVALID_QUANTITY: 400,
  NOT_IN_WISHLIST: 400,
  MOVE_TO_CART_FAILED: 409,
  ORDER_NOT_FOUND: 404,
  EMPTY_ORDER: 400,
  ORDER_NOT_CANCELLABLE: 400,
  INVALID_STATUS_TRANSITION: 400,
  PLACE_NOT_FOUND: 404,
  IMAGE_NOT_FOUND: 404,
  INVALID_IMAGE: 400,
  IMAGE_TOO_LARGE: 413,
  IMAGE_STORE_FAILED: 502,
};
