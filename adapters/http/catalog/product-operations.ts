import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { CreateProduct, DeleteProduct, UpdateProduct } from '../../../application/catalog/manage-products.js';
import { GetProduct, ListProducts } from '../../../application/catalog/product-queries.js';
import { RecordProductView } from '../../../application/discovery/use-cases.js';
import { unwrap } from '../errors.js';
import { searchRecorder } from '../search/record-search-hook.js';
import { atMount, type RouteMount } from '../route-mount.js';
import { listingPagination, nextCursorOf, NextCursorProps } from '../cursor.js';
import { errors, IdParams, success } from '../schemas.js';
import type { App, RouteDeps } from '../types.js';
import { ProductSchema, presentProduct } from './presenter.js';
import { fieldSerializers, FieldsParam, parseFields, selectFields } from './field-selection.js';
import {
  DeletedResponse,
  ListQuery,
  PaginationSchema,
  ProductBody,
  presentView,
  toCreateInput,
  toFilters,
  toProductInput,
  toProductSort,
} from './wire.js';

/**
 * The product operations served twice: under /api/products (the reads public, the writes behind
 * `requireAdmin`) and under /api/admin/products (the admin scope). Each mount keeps its own
 * wording: the admin paths answer with a `message`, the original's create and update do not.
 */

const ProductAnswer = success({ product: ProductSchema });

/** The detail answer's trimmed serializers (`fields`), shared by every mount. */
const productFields = fieldSerializers('product', (product) => success({ product }));

/** The list answer around a product schema: full for OpenAPI, trimmed for a `fields` selection. */
const pageAnswer = (product: TSchema) =>
  success(
    { products: Type.Array(product) },
    { count: Type.Integer(), pagination: PaginationSchema, ...NextCursorProps },
  );
const pageFields = fieldSerializers('product page', pageAnswer);

/** The detail's query: `fields` alone; other keys are ignored as before (cache busters). */
const DetailQuery = Type.Object({ fields: Type.Optional(FieldsParam) });

/** 401 and 403 where the mount is guarded (by `requireAdmin` or the admin scope). */
function guardErrors(mount: RouteMount): number[] {
  return mount.public === true ? [] : [401, 403];
}

/** One page of products for the query (filters, sort, paging, `fields` projection). */
export function registerListProducts(
  app: App,
  deps: RouteDeps,
  mount: RouteMount & { defaultLimit?: number },
): void {
  const listProducts = deps.resolve.get(ListProducts);
  // The public list's text searches are recorded (popular searches, the shopper's history).
  const recordSearch = mount.public ? searchRecorder(deps.resolve) : undefined;
  app.get(
    mount.path,
    atMount(mount, {
      querystring: ListQuery,
      response: {
        200: pageAnswer(ProductSchema),
        ...errors(400, ...guardErrors(mount), 429),
      },
    }),
    async (request, reply) => {
      const q = request.query;
      const selection = parseFields(q.fields);
      const limit = q.limit ?? mount.defaultLimit;
      const page = unwrap(
        await listProducts.execute({
          ...toFilters(q),
          sort: toProductSort(q.sort),
          ...(q.page !== undefined ? { page: q.page } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        }),
      );
      const text = q.q ?? q.search;
      if (recordSearch && text !== undefined) await recordSearch(request, text);
      pageFields.use(reply, selection);
      return {
        status: 'success' as const,
        count: page.items.length,
        pagination: listingPagination(page),
        ...nextCursorOf(page),
        data: { products: page.items.map((v) => selectFields(presentView(v), selection)) },
      };
    },
  );
}

/** One product, category populated; 404 `Product not found`. */
export function registerGetProduct(app: App, deps: RouteDeps, mount: RouteMount): void {
  const getProduct = deps.resolve.get(GetProduct);
  // Public product pages count as views (trending); a failed count never fails the read.
  const recordView = mount.public ? deps.resolve.get(RecordProductView) : undefined;
  app.get(
    mount.path,
    atMount(mount, {
      params: IdParams,
      querystring: DetailQuery,
      response: { 200: ProductAnswer, ...errors(400, ...guardErrors(mount), 404, 429) },
    }),
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      const view = unwrap(await getProduct.execute({ id: request.params.id }));
      await recordView?.execute({ productId: view.product.id }).catch(() => undefined);
      productFields.use(reply, selection);
      return { status: 'success' as const, data: { product: selectFields(presentView(view), selection) } };
    },
  );
}

/** Creates a product (201); name, description, price and category required (compat 8). */
export function registerCreateProduct(
  app: App,
  deps: RouteDeps,
  mount: RouteMount & { message?: string },
): void {
  const createProduct = deps.resolve.get(CreateProduct);
  app.post(
    mount.path,
    atMount(mount, {
      body: ProductBody,
      response: { 201: ProductAnswer, ...errors(400, 401, 403, 429) },
    }),
    async (request, reply) => {
      const view = unwrap(await createProduct.execute(toCreateInput(request.body)));
      reply.status(201);
      return {
        status: 'success' as const,
        ...(mount.message !== undefined ? { message: mount.message } : {}),
        data: { product: presentProduct(view.product) },
      };
    },
  );
}

/** Updates a product partially: the same rules on the fields present (rule 17). */
export function registerUpdateProduct(
  app: App,
  deps: RouteDeps,
  mount: RouteMount & { message?: string },
): void {
  const updateProduct = deps.resolve.get(UpdateProduct);
  app.put(
    mount.path,
    atMount(mount, {
      params: IdParams,
      body: ProductBody,
      response: { 200: ProductAnswer, ...errors(400, 401, 403, 404, 409, 429) },
    }),
    async (request) => {
      const view = unwrap(
        await updateProduct.execute({ id: request.params.id, patch: toProductInput(request.body) }),
      );
      return {
        status: 'success' as const,
        ...(mount.message !== undefined ? { message: mount.message } : {}),
        data: { product: presentView(view) },
      };
    },
  );
}

/** Deletes a product; 404 `Product not found` when it is gone. */
export function registerDeleteProduct(
  app: App,
  deps: RouteDeps,
  mount: RouteMount & { message: string },
): void {
  const deleteProduct = deps.resolve.get(DeleteProduct);
  app.delete(
    mount.path,
    atMount(mount, {
      params: IdParams,
      response: { 200: DeletedResponse, ...errors(400, 401, 403, 404, 429) },
    }),
    async (request) => {
      unwrap(await deleteProduct.execute({ id: request.params.id }));
      return { status: 'success' as const, message: mount.message, data: null };
    },
  );
}
