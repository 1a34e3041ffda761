import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  cursorListing,
  cursorRequest,
  cursorScope,
  pagingConflict,
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
