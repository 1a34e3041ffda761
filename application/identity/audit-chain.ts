import type { AuditEntry, AuditLog, ChainedAuditEntry, SecretDigest } from './ports.js';

/** The `prevHash` of the chain's first entry (seq 1). */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Plain JSON with object keys sorted at every level (undefined dropped, as JSON does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Values as JSON keeps them (what any store gives back): Dates as ISO text, no undefined. */
function jsonValue(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * What the hash covers: every field of the entry, absent optional fields as null, so the memory
 * and MongoDB stores (which may give back null for absent) hash the same entry the same way.
 */
function hashedContent(entry: AuditEntry, seq: number, prevHash: string): Record<string, unknown> {
  return {
    seq,
    prevHash,
    id: entry.id,
    timestamp: entry.timestamp.toISOString(),
    userId: entry.userId,
    actor: entry.actor ?? null,
    action: entry.action,
    resource: entry.resource,
    resourceId: entry.resourceId ?? null,
    success: entry.success,
    ip: entry.ip,
    userAgent: entry.userAgent,
    requestId: entry.requestId ?? null,
    details: entry.details,
    before: entry.before ?? null,
    after: entry.after ?? null,
    errorMessage: entry.errorMessage,
  };
}

export function auditEntryHash(
  entry: AuditEntry,
  seq: number,
  prevHash: string,
  digest: SecretDigest,
): string {
  return digest.digest(canonicalJson(hashedContent(entry, seq, prevHash)));
}

/**
 * The entry as it is appended after `previous` (null: the chain's first). Its JSON-shaped fields
 * (details, before, after) are normalized first, so what is stored is exactly what was hashed.
 */
export function linkAuditEntry(
  entry: AuditEntry,
  previous: Pick<ChainedAuditEntry, 'seq' | 'hash'> | null,
  digest: SecretDigest,
): ChainedAuditEntry {
  const normalized: AuditEntry = {
    ...entry,
    details: jsonValue(entry.details) as AuditEntry['details'],
    ...(entry.actor !== undefined ? { actor: jsonValue(entry.actor) as AuditEntry['actor'] } : {}),
    ...(entry.before !== undefined ? { before: jsonValue(entry.before) } : {}),
    ...(entry.after !== undefined ? { after: jsonValue(entry.after) } : {}),
  };
  const seq = previous ? previous.seq + 1 : 1;
  const prevHash = previous ? previous.hash : AUDIT_GENESIS_HASH;
  return { ...normalized, seq, prevHash, hash: auditEntryHash(normalized, seq, prevHash, digest) };
}

export type AuditChainBreak =
  | { readonly seq: number; readonly reason: 'missing'; readonly message: string }
  | { readonly seq: number; readonly reason: 'out-of-order'; readonly message: string }
  | { readonly seq: number; readonly reason: 'modified'; readonly message: string }
  | { readonly seq: number; readonly reason: 'relinked'; readonly message: string };

export interface AuditChainReport {
  readonly checked: number;
  readonly total: number;
  /** The first broken link; absent when the whole chain holds. */
  readonly broken?: AuditChainBreak;
}

/**
 * Walks the chain from seq 1 in batches and reports the first broken link: an entry deleted (a
 * gap in seq), inserted or reordered (a seq repeated or going back, or a prevHash that is not the
 * previous entry's hash), or modified (its hash no longer matches its content). Entries written
 * before the chain existed carry no seq and are not part of it. Deleting the newest entries
 * leaves a shorter chain that still holds: compare `total` with a count kept elsewhere.
 */
export class VerifyAuditChain {
  constructor(
    private readonly log: AuditLog,
    private readonly digest: SecretDigest,
  ) {}

  async execute(
    options: {
      readonly batchSize?: number;
      readonly onProgress?: (checked: number, total: number) => void;
    } = {},
  ): Promise<AuditChainReport> {
    const batchSize = Math.max(1, options.batchSize ?? 500);
    const total = await this.log.chainSize();
    let previous: { seq: number; hash: string; id?: string } = { seq: 0, hash: AUDIT_GENESIS_HASH };
    let checked = 0;
    for (;;) {
      // each batch re-reads the last verified seq, so a second entry under it is seen too
      const batch = await this.log.chain(Math.max(0, previous.seq - 1), batchSize + 1);
      const again = batch.findIndex(
        (e) => e.seq === previous.seq && e.id === previous.id && e.hash === previous.hash,
      );
      if (again >= 0) batch.splice(again, 1);
      if (batch.length === 0) break;
      for (const entry of batch) {
        const expected = previous.seq + 1;
        if (entry.seq < expected)
          return this.broken(
            checked,
            total,
            entry.seq,
            'out-of-order',
            `seq ${entry.seq} appears again after ${previous.seq}`,
          );
        if (entry.seq > expected)
          return this.broken(
            checked,
            total,
            expected,
            'missing',
            `entry ${expected} is missing (next found: ${entry.seq})`,
          );
        if (entry.prevHash !== previous.hash)
          return this.broken(
            checked,
            total,
            entry.seq,
            'relinked',
            `entry ${entry.seq} does not link to entry ${previous.seq}`,
          );
        if (auditEntryHash(entry, entry.seq, entry.prevHash, this.digest) !== entry.hash)
          return this.broken(
            checked,
            total,
            entry.seq,
            'modified',
            `entry ${entry.seq} was modified (its hash does not match)`,
          );
        previous = { seq: entry.seq, hash: entry.hash, id: entry.id };
        checked += 1;
      }
      options.onProgress?.(checked, total);
    }
    if (checked !== total) {
      // more stored than walked: a second entry with a seq already seen (the walk skips it)
      return this.broken(
        checked,
        total,
        checked,
        'out-of-order',
        `${total - checked} entries share a seq with another`,
      );
    }
    return { checked, total };
  }

  private broken(
    checked: number,
    total: number,
    seq: number,
    reason: AuditChainBreak['reason'],
    message: string,
  ): AuditChainReport {
    return { checked, total, broken: { seq, reason, message } as AuditChainBreak };
  }
}
