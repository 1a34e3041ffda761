import type {
  FastifyBaseLogger,
  FastifyInstance,
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
