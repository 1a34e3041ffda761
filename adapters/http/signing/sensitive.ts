import type { Principal } from '../../../domain/identity/user.js';

/**
 * The one table of operations that need a request signature (README "Request signing"). A row
 * names the methods and the route as registered (`/api/...`, `:param` as in the route; a trailing
 * `*` matches every route starting so); the /api/api alias of a route is the same route. Matching
 * the registered route, not the path as sent, leaves no spelling (trailing slash, doubled
 * prefix, encoded characters) that reaches the operation unsigned.
 */
export const SENSITIVE_OPERATIONS: readonly SensitiveOperation[] = [
  { methods: ['POST'], route: '/api/payments/refund', why: 'refund' },
  {
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
    route: '/api/payments/methods*',
    why: 'payment method change',
  },
  { methods: ['PUT'], route: '/api/admin/products/bulk-update', why: 'bulk admin operation' },
  { methods: ['PUT'], route: '/api/admin/orders/bulk-status', why: 'bulk admin operation' },
  { methods: ['PUT'], route: '/api/products/bulk-update', why: 'bulk admin operation' },
  { methods: ['PUT'], route: '/api/inventory/bulk-update', why: 'bulk admin operation' },
  { methods: ['PUT'], route: '/api/order-management/bulk-status', why: 'bulk admin operation' },
  { methods: ['POST'], route: '/api/notifications/bulk', why: 'bulk admin operation' },
];

export interface SensitiveOperation {
  readonly methods: readonly string[];
  readonly route: string;
  readonly why: string;
}

/** Every write an API key makes is signed, whatever the route (README "Request signing"). */
export const API_KEY_WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

function routeMatches(pattern: string, route: string): boolean {
  return pattern.endsWith('*') ? route.startsWith(pattern.slice(0, -1)) : route === pattern;
}

/** The table's row for `method` on the registered `route`, if any (also for the OpenAPI document). */
export function sensitiveOperation(method: string, route: string | undefined): SensitiveOperation | null {
  if (route === undefined) return null;
  const upper = method.toUpperCase();
  return (
    SENSITIVE_OPERATIONS.find((row) => row.methods.includes(upper) && routeMatches(row.route, route)) ?? null
  );
}

/**
 * Why this request must be signed, or null when it need not be: an API key's write, or a row of
 * SENSITIVE_OPERATIONS (`route` is the matched route's registered url; undefined when none matched).
 */
export function signatureRequiredFor(
  method: string,
  route: string | undefined,
  principal: Principal,
): string | null {
  if (principal.apiKey && (API_KEY_WRITES as readonly string[]).includes(method.toUpperCase())) {
    return 'write by an API key';
  }
  return sensitiveOperation(method, route)?.why ?? null;
}
