import type { ApiKeyScope } from '../../../domain/identity/api-key.js';

/**
 * THE table of what an API key may call: route (method and pattern as registered, i.e.
 * `request.routeOptions.url`, without the /api/api alias) -> the scope it needs. A route not
 * listed is refused to every key (default deny, 403 API_KEY_SCOPE), whatever its guard, so a new
 * route is closed to keys until it is added here. GET also covers HEAD.
 */
const SCOPE_TABLE: Readonly<Record<ApiKeyScope, readonly (readonly [method: string, url: string])[]>> = {
  'catalog:read': [
    ['GET', '/api/products'],
    ['GET', '/api/products/trending'],
    ['GET', '/api/products/featured'],
    ['GET', '/api/products/popular'],
    ['GET', '/api/products/suggested'],
    ['GET', '/api/products/search'],
    ['GET', '/api/products/search/advanced'],
    ['GET', '/api/products/:id'],
    ['GET', '/api/products/:id/related'],
    ['GET', '/api/categories'],
    ['GET', '/api/categories/tree'],
    ['GET', '/api/categories/:id'],
    ['GET', '/api/admin/products'],
    ['GET', '/api/admin/products/:id'],
    ['GET', '/api/search/autocomplete'],
  ],
  'catalog:write': [
    ['POST', '/api/products'],
    ['PUT', '/api/products/:id'],
    ['DELETE', '/api/products/:id'],
    ['POST', '/api/categories'],
    ['PUT', '/api/categories/:id'],
    ['DELETE', '/api/categories/:id'],
    ['POST', '/api/admin/products'],
    ['PUT', '/api/admin/products/bulk-update'],
    ['PUT', '/api/admin/products/:id'],
    ['DELETE', '/api/admin/products/:id'],
    ['POST', '/api/admin/products/:id/images'],
    ['POST', '/api/admin/products/:id/images/upload'],
    ['PUT', '/api/admin/products/:id/images/reorder'],
    ['DELETE', '/api/admin/products/:id/images/:imageId'],
  ],
  'orders:read': [
    ['GET', '/api/admin/orders'],
    ['GET', '/api/admin/orders/:id'],
    ['GET', '/api/orders/admin/all'],
  ],
  'orders:write': [
    ['PUT', '/api/admin/orders/:id/status'],
    ['PUT', '/api/orders/:id/status'],
  ],
  'inventory:read': [
    ['GET', '/api/inventory/low-stock'],
    ['GET', '/api/inventory/alerts'],
    ['GET', '/api/inventory/report'],
    ['GET', '/api/inventory/reports'],
    ['GET', '/api/inventory/movements'],
    ['GET', '/api/inventory/overview'],
  ],
  'inventory:write': [
    ['POST', '/api/inventory/restock'],
    ['PUT', '/api/inventory/bulk-update'],
    ['PUT', '/api/inventory/:productId/stock'],
    ['PUT', '/api/products/:id/stock'],
  ],
  'promos:read': [['GET', '/api/promos']],
  'promos:write': [
    ['POST', '/api/promos'],
    ['PUT', '/api/promos/:id'],
    ['DELETE', '/api/promos/:id'],
    ['PUT', '/api/promos/:id/deactivate'],
  ],
  'analytics:read': [
    ['GET', '/api/analytics/sales'],
    ['GET', '/api/analytics/products'],
    ['GET', '/api/analytics/users'],
    ['GET', '/api/analytics/revenue'],
    ['GET', '/api/analytics/dashboard'],
    ['GET', '/api/admin/analytics/sales'],
    ['GET', '/api/orders/analytics'],
  ],
};

const SCOPE_BY_ROUTE: ReadonlyMap<string, ApiKeyScope> = new Map(
  Object.entries(SCOPE_TABLE).flatMap(([scope, routes]) =>
    routes.map(([method, url]) => [`${method} ${url}`, scope as ApiKeyScope] as const),
  ),
);

/** The scope a route needs, or null when no key may call it. */
export function scopeOfRoute(method: string, url: string | undefined): ApiKeyScope | null {
  if (url === undefined) return null;
  const m = method === 'HEAD' ? 'GET' : method;
  return SCOPE_BY_ROUTE.get(`${m} ${url}`) ?? null;
}

/** Every route of the table, for tests and the OpenAPI document. */
export function scopedRoutes(): readonly { method: string; url: string; scope: ApiKeyScope }[] {
  return [...SCOPE_BY_ROUTE].map(([key, scope]) => {
    const [method, url] = key.split(' ') as [string, string];
    return { method, url, scope };
  });
}
