import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The request-signing headers (README "Request signing"). */
export const SIGNATURE_HEADERS = {
  timestamp: 'x-signature-timestamp',
  nonce: 'x-signature-nonce',
  signature: 'x-signature',
} as const;

/** A signature is accepted this long either side of the server's clock. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;
export const SIGNATURE_PATTERN = /^[0-9a-fA-F]{64}$/;

export interface SignedParts {
  readonly method: string;
  /** The path and query exactly as sent (the request line's target, /api/api prefix included). */
  readonly pathWithQuery: string;
  readonly timestamp: string;
  readonly nonce: string;
  /** The raw body as received; '' when there is none. */
  readonly body: string;
}

/** `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nSHA256_HEX(body)`. */
export function canonicalString(parts: SignedParts): string {
  const bodyHash = createHash('sha256').update(parts.body, 'utf8').digest('hex');
  return [parts.method.toUpperCase(), parts.pathWithQuery, parts.timestamp, parts.nonce, bodyHash].join('\n');
}

/** Hex HMAC-SHA256 of the canonical string with `key` (the hex string, used as given). */
export function signatureOf(key: string, parts: SignedParts): string {
  return createHmac('sha256', key).update(canonicalString(parts), 'utf8').digest('hex');
}

/** Constant-time comparison of a presented hex signature (already matched SIGNATURE_PATTERN). */
export function signatureMatches(expectedHex: string, presentedHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const presented = Buffer.from(presentedHex, 'hex');
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
