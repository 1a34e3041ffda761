import { token } from '../shared/token.js';
import type { Clock } from '../shared/ports.js';
import type { AuditEntry, AuditLog } from './ports.js';
import { redactForAudit } from './audit-redaction.js';

/**
 * The longest text kept per audit field. Whatever a client sends (a 12 KB User-Agent, a long
 * query string) the stored entry stays small; a cut value ends with TRUNCATION_MARK.
 */
export const AUDIT_FIELD_LIMITS = {
  userAgent: 512,
  ip: 64,
  errorMessage: 500,
  /** Any text in `details` (endpoint, reason, ...). */
  detail: 1024,
  /** Keys kept in `details`; the rest are dropped. */
  detailKeys: 20,
} as const;

export const TRUNCATION_MARK = '…';

function cut(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max - TRUNCATION_MARK.length) + TRUNCATION_MARK;
}

function boundDetail(value: unknown): unknown {
  if (typeof value === 'string') return cut(value, AUDIT_FIELD_LIMITS.detail);
  if (value === null || typeof value !== 'object') return value;
  // nested values are not ours to keep whole: a bounded text of them
  return cut(JSON.stringify(value) ?? '', AUDIT_FIELD_LIMITS.detail);
}

/** The entry with every client-controlled text cut to AUDIT_FIELD_LIMITS. */
export function boundAuditEntry(entry: AuditEntry): AuditEntry {
  const details = Object.fromEntries(
    Object.entries(entry.details)
      .slice(0, AUDIT_FIELD_LIMITS.detailKeys)
      .map(([k, v]) => [k, boundDetail(v)]),
  ) as AuditEntry['details'];
  return {
    ...entry,
    ...(entry.resourceId !== undefined
      ? { resourceId: cut(entry.resourceId, AUDIT_FIELD_LIMITS.detail) }
      : {}),
    ip: cut(entry.ip, AUDIT_FIELD_LIMITS.ip),
    userAgent: cut(entry.userAgent, AUDIT_FIELD_LIMITS.userAgent),
    errorMessage:
      entry.errorMessage === null ? null : cut(entry.errorMessage, AUDIT_FIELD_LIMITS.errorMessage),
    details: { ...details, endpoint: String(details.endpoint ?? ''), method: String(details.method ?? '') },
    ...(entry.requestId !== undefined ? { requestId: cut(entry.requestId, AUDIT_FIELD_LIMITS.ip) } : {}),
    ...(entry.actor !== undefined
      ? {
          actor: {
            role: entry.actor.role,
            ...(entry.actor.apiKeyId !== undefined
              ? { apiKeyId: cut(entry.actor.apiKeyId, AUDIT_FIELD_LIMITS.ip) }
              : {}),
            ...(entry.actor.apiKeyName !== undefined
              ? { apiKeyName: cut(entry.actor.apiKeyName, AUDIT_FIELD_LIMITS.ip) }
              : {}),
          },
        }
      : {}),
    // secrets and personal data never reach the log (audit-redaction.ts), and snapshots stay small
    ...(entry.before !== undefined ? { before: redactForAudit(entry.before) } : {}),
    ...(entry.after !== undefined ? { after: redactForAudit(entry.after) } : {}),
  };
}

/** How many rejected requests are recorded per window (config: AUDIT_REJECTED_*). */
export interface AuditTrailSettings {
  /** Rejected requests recorded per source (client IP) per window. */
  readonly rejectedPerSourceMax: number;
  /** Rejected requests recorded per window over all sources. */
  readonly rejectedMax: number;
  readonly windowMs: number;
}
export const AUDIT_TRAIL_SETTINGS = token<AuditTrailSettings>('AuditTrailSettings');

/**
 * Writes the admin activity log. Every entry is bounded (boundAuditEntry). Rejected requests
 * (anyone can send them, as fast as they like) are also rate-limited: per window, at most
 * `rejectedPerSourceMax` per source and `rejectedMax` in all are recorded one by one; the first
 * request past a budget records one summary entry saying so (`details.reason: 'Audit budget
 * exhausted'`, `suppressedUntil`), and the rest of the window is not recorded. So a flood stores
 * at most rejectedMax + 1 entries per window (per instance), and a real attempt from a quiet
 * address is still recorded. Admins' own requests are never limited.
 */
export class AuditTrail {
  private windowStart = -Infinity;
  private recordedInWindow = 0;
  private readonly perSource = new Map<string, number>();
  private readonly noted = new Set<string>();

  constructor(
    private readonly log: AuditLog,
    private readonly clock: Clock,
    private readonly settings: AuditTrailSettings,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.log.record(boundAuditEntry(entry));
  }

  /** Records a rejected request within the budgets; answers whether it was recorded one by one. */
  async recordRejected(entry: AuditEntry): Promise<boolean> {
    const now = this.clock.now().getTime();
    if (now - this.windowStart >= this.settings.windowMs || now < this.windowStart) {
      this.windowStart = now;
      this.recordedInWindow = 0;
      this.perSource.clear();
      this.noted.clear();
    }
    const source = entry.ip;
    const fromSource = this.perSource.get(source) ?? 0;
    const overall = this.recordedInWindow >= this.settings.rejectedMax;
    if (overall || fromSource >= this.settings.rejectedPerSourceMax) {
      const key = overall ? '*' : `ip:${source}`;
      if (this.noted.has(key)) return false;
      this.noted.add(key);
      // a source's summary spends the overall budget too: a window stores at most rejectedMax + 1
      if (!overall) this.recordedInWindow += 1;
      const until = new Date(this.windowStart + this.settings.windowMs);
      await this.record({
        ...entry,
        details: {
          ...entry.details,
          reason: 'Audit budget exhausted',
          suppressedUntil: until.toISOString(),
          scope: overall ? 'all sources' : 'this source',
        },
        errorMessage: `Too many rejected requests${overall ? '' : ' from this address'}: further ones are not recorded until ${until.toISOString()}`,
      });
      return false;
    }
    this.perSource.set(source, fromSource + 1);
    this.recordedInWindow += 1;
    await this.record(entry);
    return true;
  }
}
