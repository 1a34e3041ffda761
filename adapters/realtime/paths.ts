/**
 * The realtime channel paths, in Fastify's `:param` form, one per channel kind (ChannelRequest in
 * application/realtime/gateway.ts). Each is also served under the storefront's doubled prefix
 * (`/api/api/realtime/...`, compat 0.1). The transports route these and the AsyncAPI document
 * (adapters/realtime/asyncapi.ts) describes them: one list, so a new channel cannot go undocumented.
 */
export const REALTIME_PATHS = {
  order: '/api/realtime/order-status/:orderId',
  stock: '/api/realtime/stock-updates',
  cart: '/api/realtime/cart-sync',
} as const;
export type RealtimeChannelKind = keyof typeof REALTIME_PATHS;

/** The storefront's alias of an `/api/...` path (compat 0.1): `/api/api/...`. */
export const doubledApiPath = (path: string): string => `/api${path}`;
