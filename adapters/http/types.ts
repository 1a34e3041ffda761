import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Principal } from '../../domain/identity/user.js';
import type { Resolver } from '../resolver.js';

export type { Resolver };

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface RouteDeps {
  readonly resolve: Resolver;
}

/** Route-level rate limits a context attaches to its routes. */
export interface RouteLimits {
  /**
   * An onRequest hook: the one per-IP budget login, register, forgot and reset password share
   * (their routes set `config: { rateLimit: false }` to leave the general budget). A no-op when
   * rate limiting is off.
   */
  readonly auth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** `config: { rateLimit: ... }` of the polled GET /wishlist: its own budget instead of the general one. */
  readonly wishlistRead: {
    max: number;
    timeWindow: number;
    keyGenerator: (request: { ip: string; headers: Record<string, unknown> }) => string;
  };
}

export interface HttpRouteDeps extends RouteDeps {
  readonly limits: RouteLimits;
}

/** Audit overrides a route can declare in `config.audit`. */
export interface AuditRouteConfig {
  readonly action?: string;
  readonly resource?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    audit?: AuditRouteConfig;
    /** Errors answer `{error, code}` without the envelope (the location routes, compat 9). */
    rawErrors?: boolean;
  }
}
