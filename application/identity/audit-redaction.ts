/**
 * What the audit log never stores in an entry's before/after snapshots: secrets (passwords, their
 * hashes, tokens, API keys and secrets, signatures, one-time and recovery codes, card data) and
 * personal data (email, phone, addresses and their parts, birthday, the gift (recipient and message),
 * personal and order notes, the courier). A key is
 * matched case-insensitively with `_` and `-` ignored, at every depth; its value becomes
 * REDACTED (whatever it was: a whole address object goes). Ids, names of things, prices, stock
 * and statuses stay, so an entry still says what changed. The user a change was about is named by
 * id (`userId`, `resourceId`), never by email.
 */
const REDACTED_KEY =
  /password|passwd|hash|token|secret|apikey|privatekey|^key$|signature|otp|totp|recoverycode|mfacode|cvv|cvc|cardnumber|iban|email|phone|mobile|address|street|postalcode|pincode|zipcode|birthday|birthdate|dateofbirth|^dob$|giftrecipient|recipient|^gift$|personalnote|^notes?$|courier/;

export const REDACTED = '[REDACTED]';

export function isRedactedKey(key: string): boolean {
  return REDACTED_KEY.test(key.toLowerCase().replace(/[-_]/g, ''));
}

/** Limits of a before/after snapshot: it stays a few KB whatever the resource. */
export const AUDIT_SNAPSHOT_LIMITS = {
  /** Longest text kept per string value. */
  text: 256,
  /** Array items kept (the rest summarized). */
  items: 20,
  /** Nesting depth kept. */
  depth: 6,
  /** The snapshot's JSON size past which it is replaced by a summary. */
  chars: 8192,
} as const;

function bound(value: unknown, depth: number): unknown {
  if (typeof value === 'string')
    return value.length > AUDIT_SNAPSHOT_LIMITS.text
      ? `${value.slice(0, AUDIT_SNAPSHOT_LIMITS.text - 1)}…`
      : value;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= AUDIT_SNAPSHOT_LIMITS.depth) return '[nested]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, AUDIT_SNAPSHOT_LIMITS.items).map((v) => bound(v, depth + 1));
    return value.length > AUDIT_SNAPSHOT_LIMITS.items
      ? [...kept, `… ${value.length - AUDIT_SNAPSHOT_LIMITS.items} more`]
      : kept;
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, isRedactedKey(k) ? REDACTED : bound(v, depth + 1)]),
  );
}

/**
 * The one redaction of the audit log: `value` with every secret and personal field replaced by
 * REDACTED, texts, arrays and depth cut, and, when still larger than AUDIT_SNAPSHOT_LIMITS.chars
 * as JSON, a summary `{ truncated: true, chars }` instead. undefined stays undefined.
 */
export function redactForAudit(value: unknown): unknown {
  if (value === undefined) return undefined;
  const bounded = bound(value, 0);
  const chars = JSON.stringify(bounded)?.length ?? 0;
  return chars > AUDIT_SNAPSHOT_LIMITS.chars ? { truncated: true, chars } : bounded;
}
