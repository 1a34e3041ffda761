import { token } from './token.js';

/**
 * Personal data at rest (phones, addresses, birthdays, gift recipients, MFA secrets): encrypted by
 * the persistence adapters with envelope keys. The domain never sees ciphertext.
 *
 * The master key never leaves its provider: it wraps and unwraps the data keys (one per key
 * version) and derives the blind-index key. The local provider holds it from config
 * (PII_MASTER_KEY); a KMS-backed provider replaces it without touching the rest.
 */
export interface PiiKeyProvider {
  /** The master key's id (PII_MASTER_KEY_ID), recorded beside every data key it wraps. */
  readonly masterKeyId: string;
  wrap(dataKey: Uint8Array): Promise<string>;
  /** Refuses (throws) a key wrapped by another master key or tampered with. */
  unwrap(wrapped: string): Promise<Uint8Array>;
  /** A 32-byte key for one purpose (`blind-index`), derived from the master key. */
  deriveKey(purpose: string): Promise<Uint8Array>;
}

/** A data key version as stored: only ever wrapped. */
export interface WrappedDataKey {
  /** `k1`, `k2`, ...: the version's id, written into every value it encrypts. */
  readonly id: string;
  readonly version: number;
  readonly wrapped: string;
  readonly masterKeyId: string;
  readonly createdAt: Date;
}

/** The data key versions (memory or MongoDB `pii_keys`). */
export interface PiiDataKeyStore {
  list(): Promise<WrappedDataKey[]>;
  /** Adds a version; false when that version exists already (another instance made it). */
  add(key: WrappedDataKey): Promise<boolean>;
}

/**
 * Encrypts and decrypts single values. `ready()` loads the key versions (made at first use);
 * `open` of a value written under a version this process does not know yet reloads them
 * (`openAll` on a document does that before decrypting).
 */
export interface PiiCipher {
  ready(): Promise<void>;
  /** The version new values are written with. */
  activeKeyId(): string;
  /** `enc:v1:<keyId>:<iv>:<ciphertext>:<tag>`; an already sealed value is left as it is. */
  seal(plain: string, keyId?: string): string;
  /** Plain text given plain text (a document written before encryption); throws on tampering. */
  open(value: string): string;
  isSealed(value: unknown): value is string;
  /** The key id a sealed value was written with. */
  keyIdOf(value: string): string | null;
  /** Every sealed string in a (plain JSON/BSON) document decrypted, unknown versions loaded first. */
  openAll<T>(doc: T): Promise<T>;
  /** HMAC-SHA256 of the normalized value with the blind-index key, truncated (equality lookups). */
  blindIndex(value: string): string;
  /** Makes the next key version (rotation) and makes it the active one here. */
  addVersion(now: Date): Promise<string>;
}

export const PII_KEY_PROVIDER = token<PiiKeyProvider>('PiiKeyProvider');
export const PII_DATA_KEY_STORE = token<PiiDataKeyStore>('PiiDataKeyStore');
export const PII_CIPHER = token<PiiCipher>('PiiCipher');
