import { Type } from '@fastify/type-provider-typebox';
import {
  BulkUpdateProducts,
  CreateProduct,
  DeleteProduct,
  UpdateProduct,
} from '../../../application/catalog/manage-products.js';
import { GetProduct, ListProducts } from '../../../application/catalog/product-queries.js';
import { requireConfirmation } from '../admin/plugin.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, ObjectId, success } from '../schemas.js';
import type { HttpRouteDeps } from '../server.js';
import type { App } from '../types.js';
import { ProductSchema, presentProduct } from './presenter.js';
import {
  DeletedResponse,
  ListQuery,
  PaginationSchema,
  PartialProductSchema,
  ProductBody,
  paginationOf,
  presentView,
  project,
  toCreateInput,
  toFilters,
  toProductInput,
  toProductSort,
} from './wire.js';

const ADMIN_PAGE_SIZE = 20;

const BulkBody = Type.Object(
  {
    productIds: Type.Array(ObjectId, { minItems: 1, maxItems: 500 }),
    updates: Type.Object(ProductBody.properties, { additionalProperties: false, minProperties: 1 }),
  },
  { additionalProperties: false },
);

const ConfirmationHeaders = Type.Object({ 'x-admin-confirmation': Type.Optional(Type.String()) });

/**
 * /api/admin/products (compat 8, rules 16-19). The admin scope has already authenticated the
 * admin and audits every request; destructive routes also need `X-Admin-Confirmation`.
 */
export async function adminProductRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const listProducts = deps.resolve.get(ListProducts);
  const getProduct = deps.resolve.get(GetProduct);
  const createProduct = deps.resolve.get(CreateProduct);
  const updateProduct = deps.resolve.get(UpdateProduct);
  const deleteProduct = deps.resolve.get(DeleteProduct);
  const bulkUpdate = deps.resolve.get(BulkUpdateProducts);
  const tags = ['admin'];
  const productOne = success({ product: ProductSchema });

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'All products, paginated (filters as on /products)',
        security: bearerAuth,
        querystring: ListQuery,
        response: {
          200: success(
            { products: Type.Array(PartialProductSchema) },
            { count: Type.Integer(), pagination: PaginationSchema },
          ),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = unwrap(
        await listProducts.execute({
          ...toFilters(q),
          sort: toProductSort(q.sort),
          page: q.page ?? 1,
          limit: q.limit ?? ADMIN_PAGE_SIZE,
        }),
      );
      return {
        status: 'success' as const,
        count: page.items.length,
        pagination: paginationOf(page),
        data: { products: page.items.map((v) => project(presentView(v), q.fields)) },
      };
    },
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create a product (name, description, price, category required)',
        security: bearerAuth,
        body: ProductBody,
        response: { 201: productOne, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const view = unwrap(await createProduct.execute(toCreateInput(request.body)));
      reply.status(201);
      return {
        status: 'success' as const,
        message: 'Product created successfully',
        data: { product: presentProduct(view.product) },
      };
    },
  );

  app.put(
    '/bulk-update',
    {
      preHandler: requireConfirmation,
      config: { audit: { action: 'bulk_update', resource: 'product' } },
      schema: {
        tags,
        summary: 'Apply the same updates to many products (needs X-Admin-Confirmation: confirmed)',
        security: bearerAuth,
        headers: ConfirmationHeaders,
        body: BulkBody,
        response: {
          200: success({ matchedCount: Type.Integer(), modifiedCount: Type.Integer() }),
          ...errors(400, 401, 403, 409, 429),
        },
      },
    },
    async (request) => {
      const result = unwrap(
        await bulkUpdate.execute({
          productIds: request.body.productIds,
          updates: toProductInput(request.body.updates),
        }),
      );
      return {
        status: 'success' as const,
        message: `${result.modifiedCount} products updated`,
        data: { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount },
      };
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'One product, category populated',
        security: bearerAuth,
        params: IdParams,
        response: { 200: productOne, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const view = unwrap(await getProduct.execute({ id: request.params.id }));
      return { status: 'success' as const, data: { product: presentView(view) } };
    },
  );

  app.put(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Update a product partially (same checks on the fields present)',
        security: bearerAuth,
        params: IdParams,
        body: ProductBody,
        response: { 200: productOne, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const view = unwrap(
        await updateProduct.execute({ id: request.params.id, patch: toProductInput(request.body) }),
      );
      return {
        status: 'success' as const,
        message: 'Product updated successfully',
        data: { product: presentView(view) },
      };
    },
  );

  app.delete(
    '/:id',
    {
      preHandler: requireConfirmation,
      schema: {
        tags,
        summary: 'Delete a product (needs X-Admin-Confirmation: confirmed)',
        security: bearerAuth,
        headers: ConfirmationHeaders,
        params: IdParams,
        response: { 200: DeletedResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      unwrap(await deleteProduct.execute({ id: request.params.id }));
      return { status: 'success' as const, message: 'Product deleted successfully', data: null };
    },
  );
}
