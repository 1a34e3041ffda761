import { Type } from '@fastify/type-provider-typebox';
import { CheckHealth } from '../../../application/health/check-health.js';
import { CheckReadiness } from '../../../application/health/check-readiness.js';
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
  const tags = ['health'];

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
        summary: 'Every dependency and its state; 503 when one is down',
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
      const report = await checkHealth.execute();
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
