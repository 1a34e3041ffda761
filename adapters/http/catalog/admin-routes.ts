import { Type } from '@fastify/type-provider-typebox';
import { BulkUpdateProducts } from '../../../application/catalog/manage-products.js';
import { requireConfirmation } from '../confirmation.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, ObjectId, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import {
  registerCreateProduct,
  registerDeleteProduct,
  registerGetProduct,
  registerListProducts,
  registerUpdateProduct,
} from './product-operations.js';
import { ProductBody, toProductInput } from './wire.js';

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
  const bulkUpdate = deps.resolve.get(BulkUpdateProducts);
  const tags = ['admin'];

  registerListProducts(app, deps, {
    path: '/',
    tags,
    summary: 'All products, paginated (filters as on /products)',
    defaultLimit: ADMIN_PAGE_SIZE,
  });

  registerCreateProduct(app, deps, {
    path: '/',
    tags,
    summary: 'Create a product (name, description, price, category required)',
    message: 'Product created successfully',
  });

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

  registerGetProduct(app, deps, {
    path: '/:id',
    tags,
    summary: 'One product, category populated',
  });

  registerUpdateProduct(app, deps, {
    path: '/:id',
    tags,
    summary: 'Update a product partially (same checks on the fields present)',
    message: 'Product updated successfully',
  });

  registerDeleteProduct(app, deps, {
    path: '/:id',
    tags,
    summary: 'Delete a product (needs X-Admin-Confirmation: confirmed)',
    preHandler: requireConfirmation,
    headers: ConfirmationHeaders,
    message: 'Product deleted successfully',
  });
}
