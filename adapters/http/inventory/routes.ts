import { toCsv } from '../csv.js';
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import {
  BulkUpdateStock,
  ChangeStock,
  GetInventoryOverview,
  GetInventoryReport,
  ListLowStock,
  ListMovements,
  RequestStockNotification,
  RestockProduct,
  type InventoryReport,
  type LowStockItem,
  type StockChangeOutcome,
} from '../../../application/inventory/use-cases.js';
import {
  MOVEMENT_REASONS,
  type MovementReason,
  type StockMovement,
} from '../../../domain/inventory/movement.js';
import { toMajor } from '../../../domain/shared/money.js';
import { requireConfirmation } from '../confirmation.js';
import { principalOf, authHooks } from '../auth.js';
import { presentProduct, ProductSchema } from '../catalog/presenter.js';
import { unwrap } from '../errors.js';
import {
  bearerAuth,
  errors,
  INPUT_BOUNDS,
  IsoDate,
  ObjectId,
  PageSize,
  pageWithDefault,
  Quantity,
  StockChange,
  StockLevel,
  success,
  Text,
} from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['inventory'];

const ReasonSchema = Type.Unsafe<MovementReason>({ type: 'string', enum: [...MOVEMENT_REASONS] });

const StockBody = Type.Object(
  {
    set: Type.Optional(StockLevel('The new stock')),
    stock: Type.Optional(StockLevel('Alias of set (compat)')),
    adjust: Type.Optional(StockChange('Signed change; the result cannot be negative')),
    reason: Type.Optional(Text(200, { description: 'Why (kept on the movement)' })),
  },
  { additionalProperties: false },
);
type StockBodyT = Static<typeof StockBody>;

const StockChangeData = {
  product: ProductSchema,
  previousStock: Type.Integer(),
  stock: Type.Integer(),
  notified: Type.Integer({ description: 'Back-in-stock mails sent by this change' }),
};

function presentChange(o: StockChangeOutcome) {
  return {
    product: presentProduct(o.product),
    previousStock: o.before,
    stock: o.after,
    notified: o.notified,
  };
}

const MovementSchema = Type.Object({
  _id: Type.String(),
  product: Type.String(),
  quantity: Type.Integer(),
  reason: ReasonSchema,
  actor: Type.String(),
  reference: Type.String(),
  createdAt: IsoDate,
});

function presentMovement(m: StockMovement) {
  return {
    _id: m.id,
    product: m.productId,
    quantity: m.quantity,
    reason: m.reason,
    actor: m.actor,
    reference: m.reference,
    createdAt: m.at.toISOString(),
  };
}

const LowStockSchema = Type.Object({
  product: ProductSchema,
  stock: Type.Integer(),
  threshold: Type.Integer(),
  outOfStock: Type.Boolean(),
});

function presentLow(i: LowStockItem) {
  return {
    product: presentProduct(i.product),
    stock: i.stock,
    threshold: i.threshold,
    outOfStock: i.stock <= 0,
  };
}

const ReportQuery = Type.Object(
  {
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);

const ReportRowSchema = Type.Object({
  productId: Type.String(),
  name: Type.String(),
  price: Type.Number(),
  stock: Type.Integer(),
  stockValue: Type.Number(),
  sold: Type.Integer(),
  restocked: Type.Integer(),
  movements: Type.Integer(),
  sellThrough: Type.Number({ description: 'sold / (sold + on hand), 0..1' }),
  outOfStockDays: Type.Number(),
});

const ReportData = {
  from: IsoDate,
  to: IsoDate,
  totalStockValue: Type.Number(),
  movementsByReason: Type.Object(
    Object.fromEntries(MOVEMENT_REASONS.map((r) => [r, Type.Integer()])) as Record<
      (typeof MOVEMENT_REASONS)[number],
      ReturnType<typeof Type.Integer>
    >,
  ),
  rows: Type.Array(ReportRowSchema),
};

const CSV_COLUMNS = [
  'productId',
  'name',
  'price',
  'stock',
  'stockValue',
  'sold',
  'restocked',
  'movements',
  'sellThrough',
  'outOfStockDays',
] as const;

function presentReport(r: InventoryReport) {
  return {
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    totalStockValue: toMajor(r.totalStockValue),
    movementsByReason: r.movementsByReason,
    rows: r.rows.map((row) => ({ ...row, price: toMajor(row.price), stockValue: toMajor(row.stockValue) })),
  };
}

/** The report as CSV (`toCsv`: quoting, and no formula runs from a name). */
export function reportCsv(r: InventoryReport): string {
  const rows = presentReport(r).rows;
  return toCsv(rows, CSV_COLUMNS);
}

function sendReport(reply: FastifyReply, report: InventoryReport, format: 'json' | 'csv' | undefined) {
  if (format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="inventory-report.csv"')
      .send(reportCsv(report));
  }
  return reply.send({ status: 'success' as const, data: presentReport(report) });
}

const ReportResponse = {
  200: {
    description: 'The report as JSON; with ?format=csv, text/csv with one row per product',
    content: {
      'application/json': { schema: success(ReportData) },
      'text/csv': {
        schema: Type.String({
          description: `CSV with a header row: ${CSV_COLUMNS.join(',')} (attachment inventory-report.csv)`,
        }),
      },
    },
  },
  ...errors(400, 401, 403),
};

const ProductIdParams = Type.Object({ productId: ObjectId }, { additionalProperties: false });
const IdParams = Type.Object({ id: ObjectId }, { additionalProperties: false });

/**
 * Inventory (issue 5): `/api/products/:id/stock` and `/api/inventory/*` (admin, except notify-me),
 * the compat routes (`overview`, `alerts`, `movements`, `report`, `:productId/stock`,
 * `bulk-update`) answering over the same use cases.
 */
export async function inventoryRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth, requireAdmin } = authHooks(deps.resolve);
  const change = deps.resolve.get(ChangeStock);
  const restock = deps.resolve.get(RestockProduct);
  const notifyMe = deps.resolve.get(RequestStockNotification);
  const lowStock = deps.resolve.get(ListLowStock);
  const movements = deps.resolve.get(ListMovements);
  const overview = deps.resolve.get(GetInventoryOverview);
  const report = deps.resolve.get(GetInventoryReport);
  const bulk = deps.resolve.get(BulkUpdateStock);

  const changeStock = async (productId: string, body: StockBodyT, actor: string) =>
    presentChange(
      unwrap(
        await change.execute({
          productId,
          ...(body.set !== undefined
            ? { set: body.set }
            : body.stock !== undefined
              ? { set: body.stock }
              : {}),
          ...(body.adjust !== undefined ? { adjust: body.adjust } : {}),
          ...(body.reason !== undefined ? { reason: body.reason } : {}),
          actor,
        }),
      ),
    );

  const stockSchema = <P extends TSchema>(summary: string, params: P) => ({
    tags,
    summary,
    description:
      'Exactly one of `set` (or `stock`) and `adjust`; a negative result is refused (NEGATIVE_STOCK).',
    security: bearerAuth,
    params,
    body: StockBody,
    response: { 200: success(StockChangeData), ...errors(400, 401, 403, 404) },
  });

  app.put(
    '/products/:id/stock',
    { preHandler: requireAdmin, schema: stockSchema('Set or adjust a product stock (admin)', IdParams) },
    async (request) => ({
      status: 'success' as const,
      data: await changeStock(request.params.id, request.body, principalOf(request).user.id),
    }),
  );

  app.put(
    '/inventory/:productId/stock',
    {
      preHandler: requireAdmin,
      schema: stockSchema('Set or adjust a product stock (admin, compat)', ProductIdParams),
    },
    async (request) => ({
      status: 'success' as const,
      data: await changeStock(request.params.productId, request.body, principalOf(request).user.id),
    }),
  );

  app.get(
    '/inventory/low-stock',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Products at or below their own low-stock threshold (admin)',
        security: bearerAuth,
        response: {
          200: success({ products: Type.Array(LowStockSchema) }, { count: Type.Integer() }),
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const items = unwrap(await lowStock.execute());
      return { status: 'success' as const, count: items.length, data: { products: items.map(presentLow) } };
    },
  );

  app.get(
    '/inventory/alerts',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Low-stock and out-of-stock alerts (admin, compat)',
        security: bearerAuth,
        response: {
          200: success(
            { lowStock: Type.Array(LowStockSchema), outOfStock: Type.Array(LowStockSchema) },
            {
              count: Type.Integer(),
            },
          ),
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const items = unwrap(await lowStock.execute()).map(presentLow);
      return {
        status: 'success' as const,
        count: items.length,
        data: { lowStock: items.filter((i) => !i.outOfStock), outOfStock: items.filter((i) => i.outOfStock) },
      };
    },
  );

  app.post(
    '/inventory/restock',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary:
          'Receive stock (admin): a restock movement; notify-me shoppers get a mail when back in stock',
        security: bearerAuth,
        body: Type.Object(
          {
            productId: ObjectId,
            quantity: Quantity(INPUT_BOUNDS.stock),
            reference: Type.Optional(Text(100, { minLength: 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success({ ...StockChangeData, reference: Type.String() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const done = unwrap(
        await restock.execute({
          productId: request.body.productId,
          quantity: request.body.quantity,
          ...(request.body.reference !== undefined ? { reference: request.body.reference } : {}),
          actor: principalOf(request).user.id,
        }),
      );
      return { status: 'success' as const, data: { ...presentChange(done), reference: done.reference } };
    },
  );

  app.post(
    '/inventory/:productId/notify-me',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Ask to be mailed once when the product is back in stock',
        security: bearerAuth,
        params: ProductIdParams,
        response: {
          201: success({
            request: Type.Object({ _id: Type.String(), product: Type.String(), inStock: Type.Boolean() }),
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const saved = unwrap(
        await notifyMe.execute({ productId: request.params.productId, userId: user.id, email: user.email }),
      );
      reply.status(201);
      return {
        status: 'success' as const,
        message: 'We will let you know when it is back in stock',
        data: { request: { _id: saved.id, product: saved.productId, inStock: saved.inStock } },
      };
    },
  );

  app.get(
    '/inventory/movements',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'The stock ledger, newest first (admin, compat)',
        security: bearerAuth,
        querystring: Type.Object(
          {
            page: Type.Optional(pageWithDefault()),
            limit: Type.Optional(PageSize(100, 20)),
            productId: Type.Optional(ObjectId),
            reason: Type.Optional(ReasonSchema),
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success(
            { movements: Type.Array(MovementSchema) },
            {
              count: Type.Integer(),
              total: Type.Integer(),
              pagination: Type.Object({ page: Type.Integer(), limit: Type.Integer(), pages: Type.Integer() }),
            },
          ),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = q.page ?? 1;
      const limit = q.limit ?? 20;
      const out = unwrap(
        await movements.execute({
          page,
          limit,
          ...(q.productId ? { productId: q.productId } : {}),
          ...(q.reason ? { reason: q.reason } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
        }),
      );
      return {
        status: 'success' as const,
        count: out.items.length,
        total: out.total,
        pagination: { page, limit, pages: out.pages },
        data: { movements: out.items.map(presentMovement) },
      };
    },
  );

  app.get(
    '/inventory/overview',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Stock totals (admin, compat)',
        security: bearerAuth,
        response: {
          200: success({
            overview: Type.Object({
              totalProducts: Type.Integer(),
              totalUnits: Type.Integer(),
              stockValue: Type.Number(),
              lowStock: Type.Integer(),
              outOfStock: Type.Integer(),
            }),
          }),
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const o = unwrap(await overview.execute());
      return { status: 'success' as const, data: { overview: { ...o, stockValue: toMajor(o.stockValue) } } };
    },
  );

  for (const path of ['/inventory/reports', '/inventory/report']) {
    app.get(
      path,
      {
        preHandler: requireAdmin,
        schema: {
          tags,
          summary:
            path === '/inventory/report'
              ? 'Inventory report (admin, compat; ?format=csv)'
              : 'Stock value, movements over a period, sell-through, out-of-stock days (admin; JSON or ?format=csv)',
          security: bearerAuth,
          querystring: ReportQuery,
          response: ReportResponse,
        },
      },
      async (request, reply) => {
        const q = request.query;
        const r = unwrap(
          await report.execute({
            ...(q.from ? { from: new Date(q.from) } : {}),
            ...(q.to ? { to: new Date(q.to) } : {}),
          }),
        );
        return sendReport(reply, r, q.format);
      },
    );
  }

  app.put(
    '/inventory/bulk-update',
    {
      preHandler: [requireAdmin, requireConfirmation],
      schema: {
        tags,
        summary: 'Set several stocks at once (admin; X-Admin-Confirmation: confirmed)',
        security: bearerAuth,
        body: Type.Object(
          {
            updates: Type.Array(
              Type.Object({ productId: ObjectId, stock: StockLevel() }, { additionalProperties: false }),
              { minItems: 1, maxItems: 200 },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success(
            {
              results: Type.Array(
                Type.Object({
                  productId: Type.String(),
                  success: Type.Boolean(),
                  stock: Type.Optional(Type.Integer()),
                  message: Type.Optional(Type.String()),
                }),
              ),
            },
            { updated: Type.Integer(), failed: Type.Integer() },
          ),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const out = unwrap(
        await bulk.execute({ updates: request.body.updates, actor: principalOf(request).user.id }),
      );
      const updated = out.results.filter((r) => r.success).length;
      return {
        status: 'success' as const,
        updated,
        failed: out.results.length - updated,
        data: { results: out.results },
      };
    },
  );
}
