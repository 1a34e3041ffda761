import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type {
  PiiCipher,
  PiiDataKeyStore,
  PiiKeyProvider,
  WrappedDataKey,
} from '../../application/shared/pii.js';
import type { Clock } from '../../application/shared/ports.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const PREFIX = 'enc:v1:';
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64url');

function gcmSeal(key: Uint8Array, plain: Uint8Array): [string, string, string] {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [b64(iv), b64(ct), b64(cipher.getAuthTag())];
}

function gcmOpen(key: Uint8Array, iv: string, ct: string, tag: string): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, unb64(iv));
  decipher.setAuthTag(unb64(tag));
  return Buffer.concat([decipher.update(unb64(ct)), decipher.final()]);
}

/**
 * The master key from config (PII_MASTER_KEY, 32 bytes): data keys are wrapped with AES-256-GCM
 * as `<masterKeyId>:<iv>:<ciphertext>:<tag>`; a key wrapped by another master key is refused.
 */
export class LocalMasterKeyProvider implements PiiKeyProvider {
  constructor(
    private readonly masterKey: Uint8Array,
    readonly masterKeyId: string,
  ) {
    if (masterKey.length !== 32) throw new Error('The PII master key must be 32 bytes');
  }

  async wrap(dataKey: Uint8Array): Promise<string> {
    return [this.masterKeyId, ...gcmSeal(this.masterKey, dataKey)].join(':');
  }

  async unwrap(wrapped: string): Promise<Uint8Array> {
    const [id, iv, ct, tag] = wrapped.split(':');
    if (id !== this.masterKeyId || !iv || !ct || !tag) {
      throw new Error(
        `A PII data key is wrapped by master key "${id}", not the configured "${this.masterKeyId}"`,
      );
    }
    return gcmOpen(this.masterKey, iv, ct, tag);
  }

  async deriveKey(purpose: string): Promise<Uint8Array> {
    return new Uint8Array(
      hkdfSync('sha256', this.masterKey, Buffer.alloc(0), `amour-florals/${purpose}`, 32),
    );
  }
}

/** Digits (and a leading +) of a phone number, lowercased trimmed text otherwise. */
function normalizeForIndex(value: string): string {
  const trimmed = value.trim();
  if (/^\+?[\d\s().-]+$/.test(trimmed)) return trimmed.replace(/[^\d+]/g, '');
  return trimmed.toLowerCase();
}

/**
 * AES-256-GCM with envelope keys. Every value carries its data key's id, its IV and its tag:
 * `enc:v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url parts). The data keys are stored wrapped
 * (PiiDataKeyStore) and unwrapped once per process; the highest version writes. Old versions
 * stay readable: rotation adds a version, it never deletes one.
 */
export class EnvelopePiiCipher implements PiiCipher {
  private readonly keys = new Map<string, Uint8Array>();
  private active: string | null = null;
  private indexKey: Uint8Array | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly provider: PiiKeyProvider,
    private readonly store: PiiDataKeyStore,
    private readonly clock: Clock,
  ) {}

  ready(): Promise<void> {
    if (this.active !== null) return Promise.resolve();
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    this.indexKey ??= await this.provider.deriveKey('blind-index');
    let versions = await this.store.list();
    if (versions.length === 0) {
      await this.makeVersion(1, this.clock.now());
      versions = await this.store.list();
    }
    await this.adopt(versions);
  }

  private async adopt(versions: readonly WrappedDataKey[]): Promise<void> {
    let highest: WrappedDataKey | null = null;
    for (const v of versions) {
      if (!this.keys.has(v.id)) this.keys.set(v.id, await this.provider.unwrap(v.wrapped));
      if (highest === null || v.version > highest.version) highest = v;
    }
    if (highest !== null) this.active = highest.id;
  }

  private async makeVersion(version: number, now: Date): Promise<void> {
    const dataKey = randomBytes(32);
    await this.store.add({
      id: `k${version}`,
      version,
      wrapped: await this.provider.wrap(dataKey),
      masterKeyId: this.provider.masterKeyId,
      createdAt: now,
    });
  }

  async addVersion(now: Date): Promise<string> {
    await this.ready();
    const versions = await this.store.list();
    const next = Math.max(0, ...versions.map((v) => v.version)) + 1;
    await this.makeVersion(next, now);
    await this.adopt(await this.store.list());
    return this.activeKeyId();
  }

  activeKeyId(): string {
    if (this.active === null) throw new Error('PII keys not loaded: await ready() first');
    return this.active;
  }

  isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  keyIdOf(value: string): string | null {
    return this.isSealed(value) ? (value.slice(PREFIX.length).split(':')[0] ?? null) : null;
  }

  seal(plain: string, keyId?: string): string {
    if (this.isSealed(plain)) return plain;
    const id = keyId ?? this.activeKeyId();
    const key = this.keys.get(id);
    if (!key) throw new Error(`Unknown PII key "${id}"`);
    return PREFIX + [id, ...gcmSeal(key, Buffer.from(plain, 'utf8'))].join(':');
  }

  open(value: string): string {
    if (!this.isSealed(value)) return value;
    const [id, iv, ct, tag, ...rest] = value.slice(PREFIX.length).split(':');
    if (!id || !iv || ct === undefined || !tag || rest.length > 0)
      throw new Error('Malformed encrypted value');
    const key = this.keys.get(id);
    if (!key) throw new Error(`Unknown PII key "${id}"`);
    return gcmOpen(key, iv, ct, tag).toString('utf8');
  }

  async openAll<T>(doc: T): Promise<T> {
    await this.ready();
    const ids = new Set<string>();
    walk(doc, (s) => {
      const id = this.keyIdOf(s);
      if (id !== null) ids.add(id);
      return s;
    });
    // A version made by a rotation elsewhere since this process loaded its keys.
    if ([...ids].some((id) => !this.keys.has(id))) await this.adopt(await this.store.list());
    return walk(doc, (s) => this.open(s));
  }

  blindIndex(value: string): string {
    if (this.indexKey === null) throw new Error('PII keys not loaded: await ready() first');
    return createHmac('sha256', this.indexKey)
      .update(normalizeForIndex(value), 'utf8')
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }
}

/** A copy of a plain document (objects, arrays, Dates kept) with every string passed through `f`. */
export function walk<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => walk(v, f)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, f)])) as T;
  }
  return value;
}

/** PII_MASTER_KEY: base64 of 32 bytes. */
export function parseMasterKey(base64: string): Uint8Array {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('PII_MASTER_KEY must be the base64 of 32 bytes');
  return new Uint8Array(key);
}
