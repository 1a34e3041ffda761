import { domainError, type DomainError } from './errors.js';
import { Err, Ok, type Result } from './result.js';
import { isPlainText } from './text.js';

/**
 * The one rule for an image URL, wherever one is accepted (product images and their variants,
 * category images, review photos, the add-image route): an absolute http(s) URL with a host and
 * no whitespace or control characters, at most 2048 characters. Anything else (`javascript:`,
 * `data:`, `file:`, protocol-relative `//host`, a bare path) would be rendered into an `<img>` or
 * a link by the storefront and the admin, so it is refused. Surrounding whitespace is trimmed.
 */
export const IMAGE_URL_MAX_LENGTH = 2048;
const HTTP_URL = /^https?:\/\/[^\s/?#\\]+(?:[/?#]\S*)?$/i;

export const IMAGE_URL_MESSAGE = 'must be an http(s) URL';

export function isImageUrl(url: string): boolean {
  const trimmed = url.trim();
  return trimmed.length <= IMAGE_URL_MAX_LENGTH && HTTP_URL.test(trimmed) && isPlainText(trimmed);
}

/** The trimmed URL, or VALIDATION_FAILED naming `label` (e.g. "Image url must be an http(s) URL"). */
export function imageUrl(url: string, label = 'Image url'): Result<string, DomainError> {
  if (!isImageUrl(url)) return Err(domainError('VALIDATION_FAILED', `${label} ${IMAGE_URL_MESSAGE}`));
  return Ok(url.trim());
}
