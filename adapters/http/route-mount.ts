import type { FastifyContextConfig, FastifyRequest } from 'fastify';
import type { TObject } from '@fastify/type-provider-typebox';
import { bearerAuth } from './schemas.js';

/** A preHandler as the routes use them: the guards of `authHooks`, `requireConfirmation`. */
export type Guard = (request: FastifyRequest) => Promise<void>;

/**
 * Where one operation is served when a context serves it under two paths (a compat alias and
 * the main route, e.g. /api/orders/:id/status and /api/admin/orders/:id/status): the path, its
 * guard, route config (audit, rate limit), request headers and OpenAPI wording. The operation's
 * own factory adds the rest of the schema and the handler, so every path answers alike.
 */
export interface RouteMount {
  readonly path: string;
  readonly tags: string[];
  readonly summary: string;
  readonly description?: string;
  /** Unset inside the admin scope, whose guard already ran. */
  readonly preHandler?: Guard;
  /** A route that needs no token: no bearer security in its schema. */
  readonly public?: boolean;
  readonly config?: FastifyContextConfig;
  readonly headers?: TObject;
}

/**
 * The route options of an operation at a mount: the mount's guard and config, then the schema
 * with the mount's wording and headers, the bearer security (unless public) and the operation's
 * own `schema` (params, querystring, body, response).
 */
export function atMount<S extends object>(mount: RouteMount, schema: S) {
  return {
    ...(mount.preHandler !== undefined ? { preHandler: mount.preHandler } : {}),
    ...(mount.config !== undefined ? { config: mount.config } : {}),
    schema: {
      tags: mount.tags,
      summary: mount.summary,
      ...(mount.description !== undefined ? { description: mount.description } : {}),
      ...(mount.headers !== undefined ? { headers: mount.headers } : {}),
      ...(mount.public === true ? {} : { security: bearerAuth }),
      ...schema,
    },
  };
}
