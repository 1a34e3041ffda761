import type { PiiCipher } from '../../../application/shared/pii.js';

/**
 * Which stored fields hold personal data, per collection (README "Personal data at rest"). A path
 * names nested fields with dots; `*` is every element of an array. City, state and country stay
 * plain: the analytics adapter groups orders by `shippingAddress.city`, and none of them names a
 * person. Everything else that identifies or reaches one (street, postal code, phone, names,
 * gift messages, MFA secrets, rendered messages) is sealed by the mappers on write; reads open
 * every sealed string of a document (PiiCipher.openAll), so the domain never sees ciphertext.
 */
export const PII_FIELDS = {
  users: [
    'phone',
    'birthday',
    'addresses.*.street',
    'addresses.*.zipCode',
    'mfa.secret',
    'mfa.pendingSecret',
  ],
  orders: [
    'shippingAddress.fullName',
    'shippingAddress.street',
    'shippingAddress.zipCode',
    'shippingAddress.phone',
    'gift.recipientName',
    'gift.recipientPhone',
    'gift.message',
    'items.*.personalNote',
    'notes',
    // "Delivered to <name>" and the notes of status changes.
    'statusHistory.*.note',
    'deliveryProgress.timeline.*.recipientName',
    'deliveryProgress.courier.name',
    'deliveryProgress.courier.phone',
    'outbox.*.payload.recipientName',
    'outbox.*.payload.courier.name',
    'outbox.*.payload.courier.phone',
  ],
  notifications: ['recipient', 'subject', 'content', 'html'],
  idempotency_keys: ['response.body'],
} as const satisfies Record<string, readonly string[]>;

export type PiiCollection = keyof typeof PII_FIELDS;

function sealAt(value: unknown, path: readonly string[], seal: (s: string) => string): unknown {
  if (path.length === 0) return typeof value === 'string' && value !== '' ? seal(value) : value;
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.map((v: unknown) => sealAt(v, rest, seal)) : value;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date)
    return value;
  const record = value as Record<string, unknown>;
  if (!(head! in record)) return value;
  return { ...record, [head!]: sealAt(record[head!], rest, seal) };
}

/**
 * A copy of a raw document (or of a `$set`'s fields) with the collection's personal fields
 * sealed under `keyId` (the active version by default). Sealed values are left as they are.
 */
export function sealDocument<T>(cipher: PiiCipher, collection: PiiCollection, doc: T, keyId?: string): T {
  let out: unknown = doc;
  for (const path of PII_FIELDS[collection]) out = sealAt(out, path.split('.'), (s) => cipher.seal(s, keyId));
  return out as T;
}

/** Events as the order outbox keeps them, their personal fields sealed (the `outbox.*.` paths). */
export function sealEvents<T>(cipher: PiiCipher, events: readonly T[]): T[] {
  return sealDocument(cipher, 'orders', { outbox: [...events] }).outbox;
}
