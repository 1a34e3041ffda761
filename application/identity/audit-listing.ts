import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  cursorListing,
  cursorRequest,
  cursorScope,
  pagingConflict,
  type CursorPage,
  type CursorPosition,
  type ListingPage,
} from '../shared/cursor.js';
import { AUDIT_KEYSET, type AuditEntry, type AuditFilter, type AuditLog } from './ports.js';

export interface ListAuditLogInput {
  readonly filter: AuditFilter;
  /** 1 when absent. */
  readonly page?: number;
  readonly limit: number;
  /** Cursor paging instead of `page`: '' first, then the answer's `nextCursor` (bound to the filter). */
  readonly cursor?: string;
}

/** The audit log (admin), newest first, filtered: a numbered page or a cursor page. */
export class ListAuditLog {
  constructor(private readonly log: AuditLog) {}

  async execute(input: ListAuditLogInput): Promise<Result<ListingPage<AuditEntry>, DomainError>> {
    const conflict = pagingConflict(input);
    if (conflict) return Err(conflict);
    const { filter, limit } = input;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return Err(domainError('VALIDATION_FAILED', 'limit must be a positive whole number'));
    }
    if (input.cursor !== undefined) {
      const scope = cursorScope('audit-logs', { ...filter });
      const request = cursorRequest(input.cursor, scope, AUDIT_KEYSET, limit);
      if (request.isErr()) return request;
      const page = await this.log.searchAfter(filter, request.value);
      return Ok(cursorListing(page, page.items, scope, limit));
    }
    const page = input.page ?? 1;
    if (!Number.isSafeInteger(page) || page < 1) {
      return Err(domainError('VALIDATION_FAILED', 'page must be a positive whole number'));
    }
    const { items, total } = await this.log.search(filter, page, limit);
    return Ok({ items, total, page, limit });
  }
}

export interface AuditExport {
  /** Newest first, at most `maxRows`. */
  readonly rows: AuditEntry[];
  /** More entries matched than `rows` holds (the export was capped). */
  readonly truncated: boolean;
}

/**
 * The audit log for a CSV export: newest first, walked in keyset batches (AUDIT_KEYSET), so entries
 * recorded while the export runs neither repeat nor push older ones out of it, as numbered pages
 * would. What matched when the export began is what it holds, up to `maxRows`.
 */
export class ExportAuditLog {
  constructor(private readonly log: AuditLog) {}

  async execute(filter: AuditFilter, maxRows: number, batchSize = 500): Promise<AuditExport> {
    const rows: AuditEntry[] = [];
    let after: CursorPosition | null = null;
    let total: number | null = null;
    while (rows.length < maxRows) {
      const batch: CursorPage<AuditEntry> = await this.log.searchAfter(filter, {
        after,
        limit: Math.min(batchSize, maxRows - rows.length),
      });
      total ??= batch.total;
      rows.push(...batch.items);
      if (batch.next === null || batch.items.length === 0) break;
      after = batch.next;
    }
    return { rows, truncated: (total ?? 0) > rows.length };
  }
}
