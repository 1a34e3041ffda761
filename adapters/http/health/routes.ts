import { Type } from '@fastify/type-provider-typebox';
import { CheckHealth } from '../../../application/health/check-health.js';
import { CheckReadiness } from '../../../application/health/check-readiness.js';
import { CachedHealth } from '../../../application/health/cached-health.js';
import { errors, IsoDate } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const DependencySchema = Type.Object({
  name: Type.String(),
  role: Type.String(),
  status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  detail: Type.Optional(Type.String()),
  latencyMs: Type.Optional(Type.Number()),
});

export async function healthRoutes(app: App, deps: HttpRouteDeps & { environment: string }): Promise<void> {
  const checkHealth = deps.resolve.get(CheckHealth);
  const checkReadiness = deps.resolve.get(CheckReadiness);
  const detailed = deps.resolve.get(CachedHealth);
  const tags = ['health'];

  app.get(
    '/live',
    {
      schema: {
        tags,
        summary: 'Liveness for orchestrators: 200 while the process answers; never checks a dependency',
        response: { 200: Type.Object({ status: Type.Literal('alive'), timestamp: IsoDate }), ...errors(429) },
      },
    },
    async () => ({ status: 'alive' as const, timestamp: new Date().toISOString() }),
  );

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Liveness, with the database state (compat 9)',
        response: {
          200: Type.Object({
            status: Type.Literal('success'),
            message: Type.String(),
            timestamp: IsoDate,
            environment: Type.String(),
            database: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
          }),
          ...errors(429),
        },
      },
    },
    async () => {
      const report = await checkHealth.execute();
      return {
        status: 'success' as const,
        message: 'Server is running!',
        timestamp: report.checkedAt.toISOString(),
        environment: deps.environment,
        database:
          CheckHealth.persistence(report)?.status === 'down'
            ? ('disconnected' as const)
            : ('connected' as const),
      };
    },
  );

  app.get(
    '/detailed',
    {
      schema: {
        tags,
        summary:
          'Every configured dependency (database, Redis, SMTP, Stripe, Cloudinary, SMS, queue) with its ' +
          'state and latency; 503 when one is down. Reused for HEALTH_CACHE_MS (providers are asked at most once per period).',
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
            timestamp: IsoDate,
            environment: Type.String(),
            uptimeSeconds: Type.Number(),
            dependencies: Type.Array(DependencySchema),
          }),
          503: Type.Object({
            status: Type.Literal('down'),
            timestamp: IsoDate,
            environment: Type.String(),
            uptimeSeconds: Type.Number(),
            dependencies: Type.Array(DependencySchema),
          }),
          ...errors(429),
        },
      },
    },
    async (_request, reply) => {
      const report = await detailed.execute();
      const body = {
        status: report.status,
        timestamp: report.checkedAt.toISOString(),
        environment: deps.environment,
        uptimeSeconds: Math.round(process.uptime()),
        dependencies: report.dependencies.map((d) => ({ ...d })),
      };
      return reply.status(report.status === 'down' ? 503 : 200).send(body);
    },
  );

  const ReadinessSchema = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    timestamp: IsoDate,
    pending: Type.Array(Type.String()),
    dependencies: Type.Array(DependencySchema),
  });
  app.get(
    '/ready',
    {
      schema: {
        tags,
        summary:
          'Readiness: 200 once start-up has finished and no dependency is down; 503 otherwise ' +
          '(e.g. MongoDB unreachable). `/api/health` stays the liveness check.',
        response: { 200: ReadinessSchema, 503: ReadinessSchema, ...errors(429) },
      },
    },
    async (_request, reply) => {
      const report = await checkReadiness.execute();
      return reply.status(report.ready ? 200 : 503).send({
        status: report.ready ? ('ready' as const) : ('not_ready' as const),
        timestamp: report.health.checkedAt.toISOString(),
        pending: [...report.pending],
        dependencies: report.health.dependencies.map((d) => ({ ...d })),
      });
    },
  );
}

const PublicDependency = Type.Object({
  name: Type.String(),
  status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  latencyMs: Type.Optional(Type.Number()),
});

/**
 * GET /api/status/dependencies: the detailed report in a public-safe shape (each dependency's
 * name, state and latency; no detail, hostnames or secrets), from the same cached report.
 */
export async function statusRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const detailed = deps.resolve.get(CachedHealth);
  app.get(
    '/dependencies',
    {
      schema: {
        tags: ['health'],
        summary:
          'Public status of every configured dependency (name, state, latency); cached like /api/health/detailed',
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
            checkedAt: IsoDate,
            dependencies: Type.Array(PublicDependency),
          }),
          ...errors(429),
        },
      },
    },
    async () => {
      const report = await detailed.execute();
      return {
        status: report.status,
        checkedAt: report.checkedAt.toISOString(),
        dependencies: report.dependencies.map((d) => ({
          name: d.name,
          status: d.status,
          ...(d.latencyMs !== undefined ? { latencyMs: d.latencyMs } : {}),
        })),
      };
    },
  );
}
