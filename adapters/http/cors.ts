import type { RouteOptions } from 'fastify';
import type { App } from './types.js';

/**
 * The headers @fastify/cors would add to an answer of a route that is not OPTIONS (our
 * configuration: a list of exact origins, credentials, exposed headers), computed once. The
 * plugin re-merges its options, builds a closure and joins the exposed headers on every request
 * (~5% of a small cached read); here those routes carry `config.cors: false`, which the plugin
 * honours by skipping them, and this hook adds the same headers. Preflights (the plugin's OPTIONS
 * route) and unmatched requests still go through the plugin.
 */
export function precomputedCorsHeaders(
  app: App,
  origins: readonly string[],
  exposedHeaders: readonly string[],
): void {
  const allowed = new Set(origins);
  const exposed = exposedHeaders.join(', ');
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.some((m) => m.toUpperCase() === 'OPTIONS') || route.config?.cors !== undefined) return;
    route.config = { ...route.config, cors: false, precomputedCors: true };
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.precomputedCors !== true) return done();
    // Vary: Origin, appended as the plugin does (an answer may depend on the caller's origin).
    const vary = reply.getHeader('vary');
    if (vary === undefined) reply.header('vary', 'Origin');
    else if (
      vary !== '*' &&
      !String(vary)
        .split(',')
        .some((v) => v.trim().toLowerCase() === 'origin')
    ) {
      reply.header('vary', `${String(vary)}, Origin`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && allowed.has(origin)) reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('access-control-expose-headers', exposed);
    done();
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on every non-OPTIONS route: its CORS headers come from precomputedCorsHeaders. */
    precomputedCors?: boolean;
    /** @fastify/cors reads it: false skips the plugin for the route. */
    cors?: false | Record<string, unknown>;
  }
}
