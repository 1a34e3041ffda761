import { Type, type Static } from '@fastify/type-provider-typebox';
import {
  AUDIT_ACTIONS,
  AUDIT_RESOURCES,
  type AuditEntry,
  type AuditFilter,
  type ChainedAuditEntry,
} from '../../../application/identity/ports.js';
import { ExportAuditLog, ListAuditLog } from '../../../application/identity/audit-listing.js';
import { toCsv } from '../csv.js';
import { CursorQueryProps, NextCursorProps, nextCursorOf } from '../cursor.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IsoDate, PageNumber, PageSize, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

/** The most rows one CSV export holds (newest first); narrow the filters for older ones. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const Id = Type.String({ minLength: 1, maxLength: 128 });

const AuditFilterQuery = {
  userId: Type.Optional(Id),
  apiKeyId: Type.Optional(Id),
  action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)))),
  resource: Type.Optional(Type.Union(AUDIT_RESOURCES.map((r) => Type.Literal(r)))),
  resourceId: Type.Optional(Id),
  success: Type.Optional(Type.Boolean()),
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
};
const ListQuery = Type.Object(
  {
    ...AuditFilterQuery,
    page: Type.Optional(PageNumber),
    limit: PageSize(200, 50),
    ...CursorQueryProps,
  },
  { additionalProperties: false },
);
const ExportQuery = Type.Object(AuditFilterQuery, { additionalProperties: false });
type FilterQuery = Static<typeof ExportQuery>;

const AuditLogEntry = Type.Object({
  id: Type.String(),
  seq: Type.Union([Type.Integer(), Type.Null()], { description: 'null: written before the chain existed' }),
  prevHash: Type.Union([Type.String(), Type.Null()]),
  hash: Type.Union([Type.String(), Type.Null()]),
  timestamp: IsoDate,
  userId: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  apiKeyId: Type.Union([Type.String(), Type.Null()]),
  apiKeyName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  resource: Type.String(),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  success: Type.Boolean(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  ip: Type.String(),
  userAgent: Type.String(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  endpoint: Type.String(),
  method: Type.String(),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'The resource before the mutation (redacted), null when not read' }),
  after: Type.Unknown({ description: "The answer's data (redacted), null when none" }),
  details: Type.Object({}, { additionalProperties: true }),
});

function filterOf(q: FilterQuery): AuditFilter {
  return {
    ...(q.userId !== undefined ? { userId: q.userId } : {}),
    ...(q.apiKeyId !== undefined ? { apiKeyId: q.apiKeyId } : {}),
    ...(q.action !== undefined ? { action: q.action } : {}),
    ...(q.resource !== undefined ? { resource: q.resource } : {}),
    ...(q.resourceId !== undefined ? { resourceId: q.resourceId } : {}),
    ...(q.success !== undefined ? { success: q.success } : {}),
    ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
    ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
  };
}

function present(e: AuditEntry) {
  const chained = e as Partial<ChainedAuditEntry>;
  const statusCode = e.details.statusCode;
  return {
    id: e.id,
    seq: chained.seq ?? null,
    prevHash: chained.prevHash ?? null,
    hash: chained.hash ?? null,
    timestamp: e.timestamp.toISOString(),
    userId: e.userId,
    role: e.actor?.role ?? (typeof e.details.userRole === 'string' ? e.details.userRole : null),
    apiKeyId: e.actor?.apiKeyId ?? null,
    apiKeyName: e.actor?.apiKeyName ?? null,
    action: e.action,
    resource: e.resource,
    resourceId: e.resourceId ?? null,
    success: e.success,
    statusCode: typeof statusCode === 'number' ? statusCode : null,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId ?? null,
    endpoint: e.details.endpoint,
    method: e.details.method,
    errorMessage: e.errorMessage,
    before: e.before ?? null,
    after: e.after ?? null,
    details: { ...e.details },
  };
}

const CSV_COLUMNS = [
  'seq',
  'id',
  'timestamp',
  'userId',
  'role',
  'apiKeyId',
  'apiKeyName',
  'action',
  'resource',
  'resourceId',
  'success',
  'statusCode',
  'ip',
  'requestId',
  'method',
  'endpoint',
  'errorMessage',
  'before',
  'after',
  'prevHash',
  'hash',
] as const;

function csvRow(e: AuditEntry): Record<string, unknown> {
  const p = present(e);
  return {
    ...p,
    before: p.before === null ? '' : JSON.stringify(p.before),
    after: p.after === null ? '' : JSON.stringify(p.after),
  };
}

/**
 * GET /api/admin/audit-logs (filters, paging, total) and /api/admin/audit-logs/export (CSV through
 * toCsv: quoting and formula escaping). Served in the /api/admin scope, so guarded and audited there.
 */
export async function adminAuditLogRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const listAuditLog = deps.resolve.get(ListAuditLog);
  const exportAuditLog = deps.resolve.get(ExportAuditLog);
  const tags = ['admin'];
  const filtersDoc =
    'Filters (all optional, combined): userId, apiKeyId, action, resource, resourceId, success, ' +
    'from..to (ISO date-times, inclusive). Newest first; entries written before the hash chain ' +
    'existed have seq, prevHash and hash null.';
  const listDoc =
    `${filtersDoc} Paged by page/limit, or by cursor (empty first, then nextCursor; bound to the ` +
    'filters, stable while new entries are recorded).';

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'The tamper-evident audit log, filtered and paged',
        description: listDoc,
        security: bearerAuth,
        querystring: ListQuery,
        response: {
          200: success({
            entries: Type.Array(AuditLogEntry),
            pagination: Type.Object({
              page: Type.Integer(),
              limit: Type.Integer(),
              total: Type.Integer(),
              pages: Type.Integer(),
            }),
            ...NextCursorProps,
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const { page, limit, cursor, ...filters } = request.query;
      const result = unwrap(
        await listAuditLog.execute({
          filter: filterOf(filters),
          ...(page !== undefined ? { page } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          limit,
        }),
      );
      return {
        status: 'success' as const,
        data: {
          entries: result.items.map(present),
          pagination: {
            page: result.page,
            limit,
            total: result.total,
            pages: Math.ceil(result.total / limit),
          },
          ...nextCursorOf(result),
        },
      };
    },
  );

  app.get(
    '/export',
    {
      schema: {
        tags,
        summary: 'The audit log as CSV, filtered',
        description:
          `${filtersDoc} At most ${AUDIT_EXPORT_MAX_ROWS} rows (the newest); when more match, the ` +
          'header x-audit-export-truncated is true. Columns: ' +
          CSV_COLUMNS.join(',') +
          ' (before/after as JSON).',
        security: bearerAuth,
        querystring: ExportQuery,
        response: {
          200: {
            description: 'text/csv with a header row',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const { rows, truncated } = await exportAuditLog.execute(
        filterOf(request.query),
        AUDIT_EXPORT_MAX_ROWS,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .header('x-audit-export-truncated', String(truncated))
        .send(toCsv(rows.map(csvRow), CSV_COLUMNS));
    },
  );
}
