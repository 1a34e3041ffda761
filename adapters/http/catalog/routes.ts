import { Type } from '@fastify/type-provider-typebox';
import {
  CreateCategory,
  DeleteCategory,
  GetCategory,
  GetCategoryTree,
  ListCategories,
  UpdateCategory,
} from '../../../application/catalog/categories.js';
import {
  GetFeaturedProducts,
  GetPopularProducts,
  GetSuggestedProducts,
  SearchProducts,
} from '../../../application/catalog/product-queries.js';
import { CATALOG_CACHE } from '../../../application/catalog/cached-reads.js';
import { RecordProductView } from '../../../application/discovery/use-cases.js';
import { authHooks } from '../auth.js';
import type { ResponseCacheRoute } from '../response-cache.js';
import { searchRecorder } from '../search/record-search-hook.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { CategorySchema } from './presenter.js';
import { parseFields, selectFields } from './field-selection.js';
import {
  registerCreateProduct,
  registerDeleteProduct,
  registerGetProduct,
  registerListProducts,
  registerUpdateProduct,
} from './product-operations.js';
import {
  CategoryCreateBody,
  CategoryKey,
  CategoryTreeSchema,
  CategoryUpdateBody,
  DeletedResponse,
  limitOf,
  listAnswer,
  ProductListAnswer,
  productListFields,
  SearchQuery,
  ShortListQuery,
  presentCategoryView,
  presentTree,
  presentView,
  toCategoryInput,
  toFilters,
} from './wire.js';

/**
 * Public catalog under /api (compat 2 and 3): /products and /categories. Reads need no token
 * (a bad one is ignored); writes are admin only (401, then 403).
 */
export async function catalogRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAdmin } = authHooks(deps.resolve);
  const searchProducts = deps.resolve.get(SearchProducts);
  const recordSearch = searchRecorder(deps.resolve);
  const featured = deps.resolve.get(GetFeaturedProducts);
  const popular = deps.resolve.get(GetPopularProducts);
  const suggested = deps.resolve.get(GetSuggestedProducts);
  const listCategories = deps.resolve.get(ListCategories);
  const categoryTree = deps.resolve.get(GetCategoryTree);
  const getCategory = deps.resolve.get(GetCategory);
  const createCategory = deps.resolve.get(CreateCategory);
  const updateCategory = deps.resolve.get(UpdateCategory);
  const deleteCategory = deps.resolve.get(DeleteCategory);

  const tags = ['products'];

  // Response cache opt-ins (adapters/http/response-cache.ts): none of these answers depends on the
  // caller; the side effects of a read (a search recorded, a view counted) still run on a hit.
  const recordView = deps.resolve.get(RecordProductView);
  const textOf = (request: { query: unknown }) => {
    const q = request.query as { q?: string; search?: string };
    return q.q ?? q.search;
  };
  const productsCache = (
    ttl: ResponseCacheRoute['ttl'] = 'productsSeconds',
    onHit?: ResponseCacheRoute['onHit'],
  ) => ({
    responseCache: { namespaces: [CATALOG_CACHE.products], ttl, ...(onHit ? { onHit } : {}) },
  });
  const searchCache = productsCache('searchSeconds', async (request) => {
    const { q } = request.query as { q?: string };
    if (q !== undefined) await recordSearch(request, q);
  });
  const categoriesCache = {
    responseCache: { namespaces: [CATALOG_CACHE.categories], ttl: 'categoriesSeconds' },
  } as const;

  registerListProducts(app, deps, {
    path: '/products',
    tags,
    summary: 'List products with filters, sort, paging and field projection (category populated)',
    public: true,
    config: productsCache('productsSeconds', async (request) => {
      const text = textOf(request);
      if (text !== undefined) await recordSearch(request, text);
    }),
  });

  app.get(
    '/products/search',
    {
      config: searchCache,
      schema: {
        tags,
        summary: 'Search products by text and filters (no paging)',
        querystring: SearchQuery,
        response: { 200: ProductListAnswer, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const selection = parseFields(q.fields);
      const views = unwrap(
        await searchProducts.execute({ ...toFilters(q), ...(q.sort !== undefined ? { sort: q.sort } : {}) }),
      );
      if (q.q !== undefined) await recordSearch(request, q.q);
      productListFields.use(reply, selection);
      return listAnswer(views, selection);
    },
  );

  app.get(
    '/products/featured',
    {
      config: productsCache(),
      schema: {
        tags,
        summary: 'Featured products (up to limit, default 8)',
        querystring: ShortListQuery,
        response: { 200: ProductListAnswer, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      const views = unwrap(await featured.execute(limitOf(request.query)));
      productListFields.use(reply, selection);
      return listAnswer(views, selection);
    },
  );

  app.get(
    '/products/popular',
    {
      config: productsCache(),
      schema: {
        tags,
        summary: 'Popular products (up to limit, default 8)',
        querystring: ShortListQuery,
        response: { 200: ProductListAnswer, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      const views = unwrap(await popular.execute(limitOf(request.query)));
      productListFields.use(reply, selection);
      return listAnswer(views, selection);
    },
  );

  app.get(
    '/products/suggested',
    {
      config: productsCache(),
      schema: {
        tags,
        summary: 'Home page suggestions: in-stock products by suggestion score (compat 2.1)',
        querystring: ShortListQuery,
        response: { 200: ProductListAnswer, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const selection = parseFields(request.query.fields);
      const views = unwrap(await suggested.execute(limitOf(request.query)));
      productListFields.use(reply, selection);
      return {
        status: 'success' as const,
        count: views.length,
        data: {
          products: views.map((v) =>
            selectFields(presentView(v, { suggestionScore: v.suggestionScore }), selection),
          ),
        },
      };
    },
  );

  registerGetProduct(app, deps, {
    path: '/products/:id',
    tags,
    summary: 'One product, category populated',
    public: true,
    config: productsCache('productsSeconds', async (request) => {
      const { id } = request.params as { id: string };
      await recordView.execute({ productId: id }).catch(() => undefined);
    }),
  });

  registerCreateProduct(app, deps, {
    path: '/products',
    tags,
    summary: 'Create a product (admin)',
    preHandler: requireAdmin,
  });

  registerUpdateProduct(app, deps, {
    path: '/products/:id',
    tags,
    summary: 'Update a product, partially (admin)',
    preHandler: requireAdmin,
  });

  registerDeleteProduct(app, deps, {
    path: '/products/:id',
    tags,
    summary: 'Delete a product (admin)',
    preHandler: requireAdmin,
    message: 'Product deleted',
  });

  // ---- categories ---------------------------------------------------------------------------
  const ctags = ['categories'];
  const categoryOne = success({ category: CategorySchema });

  app.get(
    '/categories',
    {
      config: categoriesCache,
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
      config: categoriesCache,
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
      config: categoriesCache,
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
