import { Type } from '@fastify/type-provider-typebox';
import {
  CreateCategory,
  DeleteCategory,
  GetCategory,
  GetCategoryTree,
  ListCategories,
  UpdateCategory,
} from '../../../application/catalog/categories.js';
import { CreateProduct, DeleteProduct, UpdateProduct } from '../../../application/catalog/manage-products.js';
import {
  GetFeaturedProducts,
  GetPopularProducts,
  GetProduct,
  GetSuggestedProducts,
  ListProducts,
  SearchProducts,
} from '../../../application/catalog/product-queries.js';
import { authHooks } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, success } from '../schemas.js';
import type { HttpRouteDeps } from '../server.js';
import type { App } from '../types.js';
import { CategorySchema, ProductSchema, presentProduct } from './presenter.js';
import {
  CategoryCreateBody,
  CategoryKey,
  CategoryTreeSchema,
  CategoryUpdateBody,
  DeletedResponse,
  ListQuery,
  PaginationSchema,
  PartialProductSchema,
  ProductBody,
  SearchQuery,
  ShortListQuery,
  paginationOf,
  presentCategoryView,
  presentTree,
  presentView,
  project,
  toCategoryInput,
  toCreateInput,
  toFilters,
  toProductInput,
  toProductSort,
} from './wire.js';

const productList = success({ products: Type.Array(ProductSchema) }, { count: Type.Integer() });

/**
 * Public catalog under /api (compat 2 and 3): /products and /categories. Reads need no token
 * (a bad one is ignored); writes are admin only (401, then 403).
 */
export async function catalogRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAdmin } = authHooks(deps.resolve);
  const listProducts = deps.resolve.get(ListProducts);
  const searchProducts = deps.resolve.get(SearchProducts);
  const featured = deps.resolve.get(GetFeaturedProducts);
  const popular = deps.resolve.get(GetPopularProducts);
  const suggested = deps.resolve.get(GetSuggestedProducts);
  const getProduct = deps.resolve.get(GetProduct);
  const createProduct = deps.resolve.get(CreateProduct);
  const updateProduct = deps.resolve.get(UpdateProduct);
  const deleteProduct = deps.resolve.get(DeleteProduct);
  const listCategories = deps.resolve.get(ListCategories);
  const categoryTree = deps.resolve.get(GetCategoryTree);
  const getCategory = deps.resolve.get(GetCategory);
  const createCategory = deps.resolve.get(CreateCategory);
  const updateCategory = deps.resolve.get(UpdateCategory);
  const deleteCategory = deps.resolve.get(DeleteCategory);

  const tags = ['products'];

  app.get(
    '/products',
    {
      schema: {
        tags,
        summary: 'List products with filters, sort, paging and field projection (category populated)',
        querystring: ListQuery,
        response: {
          200: success(
            { products: Type.Array(PartialProductSchema) },
            { count: Type.Integer(), pagination: PaginationSchema },
          ),
          ...errors(400, 429),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = unwrap(
        await listProducts.execute({
          ...toFilters(q),
          sort: toProductSort(q.sort),
          ...(q.page !== undefined ? { page: q.page } : {}),
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
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

  app.get(
    '/products/search',
    {
      schema: {
        tags,
        summary: 'Search products by text and filters (no paging)',
        querystring: SearchQuery,
        response: { 200: productList, ...errors(400, 429) },
      },
    },
    async (request) => {
      const q = request.query;
      const views = unwrap(
        await searchProducts.execute({ ...toFilters(q), ...(q.sort !== undefined ? { sort: q.sort } : {}) }),
      );
      return {
        status: 'success' as const,
        count: views.length,
        data: { products: views.map((v) => presentView(v)) },
      };
    },
  );

  app.get(
    '/products/featured',
    {
      schema: {
        tags,
        summary: 'Featured products (up to limit, default 8)',
        querystring: ShortListQuery,
        response: { 200: productList, ...errors(400, 429) },
      },
    },
    async (request) => {
      const views = unwrap(await featured.execute(request.query));
      return {
        status: 'success' as const,
        count: views.length,
        data: { products: views.map((v) => presentView(v)) },
      };
    },
  );

  app.get(
    '/products/popular',
    {
      schema: {
        tags,
        summary: 'Popular products (up to limit, default 8)',
        querystring: ShortListQuery,
        response: { 200: productList, ...errors(400, 429) },
      },
    },
    async (request) => {
      const views = unwrap(await popular.execute(request.query));
      return {
        status: 'success' as const,
        count: views.length,
        data: { products: views.map((v) => presentView(v)) },
      };
    },
  );

  app.get(
    '/products/suggested',
    {
      schema: {
        tags,
        summary: 'Home page suggestions: in-stock products by suggestion score (compat 2.1)',
        querystring: ShortListQuery,
        response: { 200: productList, ...errors(400, 429) },
      },
    },
    async (request) => {
      const views = unwrap(await suggested.execute(request.query));
      return {
        status: 'success' as const,
        count: views.length,
        data: { products: views.map((v) => presentView(v, { suggestionScore: v.suggestionScore })) },
      };
    },
  );

  app.get(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'One product, category populated',
        params: IdParams,
        response: { 200: success({ product: ProductSchema }), ...errors(400, 404, 429) },
      },
    },
    async (request) => {
      const view = unwrap(await getProduct.execute({ id: request.params.id }));
      return { status: 'success' as const, data: { product: presentView(view) } };
    },
  );

  app.post(
    '/products',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Create a product (admin)',
        security: bearerAuth,
        body: ProductBody,
        response: { 201: success({ product: ProductSchema }), ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const view = unwrap(await createProduct.execute(toCreateInput(request.body)));
      reply.status(201);
      return { status: 'success' as const, data: { product: presentProduct(view.product) } };
    },
  );

  app.put(
    '/products/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Update a product, partially (admin)',
        security: bearerAuth,
        params: IdParams,
        body: ProductBody,
        response: { 200: success({ product: ProductSchema }), ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const view = unwrap(
        await updateProduct.execute({ id: request.params.id, patch: toProductInput(request.body) }),
      );
      return { status: 'success' as const, data: { product: presentView(view) } };
    },
  );

  app.delete(
    '/products/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Delete a product (admin)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: DeletedResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      unwrap(await deleteProduct.execute({ id: request.params.id }));
      return { status: 'success' as const, message: 'Product deleted', data: null };
    },
  );

  // ---- categories ---------------------------------------------------------------------------
  const ctags = ['categories'];
  const categoryOne = success({ category: CategorySchema });

  app.get(
    '/categories',
    {
      schema: {
        tags: ctags,
        summary: 'Active categories by display order, parent populated with its name',
        response: {
          200: success({ categories: Type.Array(CategorySchema) }, { count: Type.Integer() }),
          ...errors(429),
        },
      },
    },
    async () => {
      const views = unwrap(await listCategories.execute({ activeOnly: true }));
      return {
        status: 'success' as const,
        count: views.length,
        data: { categories: views.map(presentCategoryView) },
      };
    },
  );

  app.get(
    '/categories/tree',
    {
      schema: {
        tags: ctags,
        summary: 'Active categories as a tree (nested children)',
        response: {
          200: success({ categories: CategoryTreeSchema }, { count: Type.Integer() }),
          ...errors(429),
        },
      },
    },
    async () => {
      const roots = unwrap(await categoryTree.execute({ activeOnly: true }));
      return { status: 'success' as const, count: roots.length, data: { categories: presentTree(roots) } };
    },
  );

  app.get(
    '/categories/:id',
    {
      schema: {
        tags: ctags,
        summary: 'One category by id or slug',
        params: Type.Object({ id: CategoryKey }, { additionalProperties: false }),
        response: { 200: categoryOne, ...errors(400, 404, 429) },
      },
    },
    async (request) => {
      const view = unwrap(await getCategory.execute({ idOrSlug: request.params.id }));
      return { status: 'success' as const, data: { category: presentCategoryView(view) } };
    },
  );

  app.post(
    '/categories',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ctags,
        summary: 'Create a category (admin)',
        security: bearerAuth,
        body: CategoryCreateBody,
        response: { 201: categoryOne, ...errors(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const view = unwrap(await createCategory.execute(toCategoryInput(request.body)));
      reply.status(201);
      return { status: 'success' as const, data: { category: presentCategoryView(view) } };
    },
  );

  app.put(
    '/categories/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ctags,
        summary: 'Update a category (admin)',
        security: bearerAuth,
        params: IdParams,
        body: CategoryUpdateBody,
        response: { 200: categoryOne, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const view = unwrap(
        await updateCategory.execute({ id: request.params.id, patch: toCategoryInput(request.body) }),
      );
      return { status: 'success' as const, data: { category: presentCategoryView(view) } };
    },
  );

  app.delete(
    '/categories/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ctags,
        summary: 'Delete a category without products or subcategories (admin)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: DeletedResponse, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      unwrap(await deleteCategory.execute({ id: request.params.id }));
      return { status: 'success' as const, message: 'Category deleted', data: null };
    },
  );
}
