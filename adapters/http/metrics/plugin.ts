import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { domainError } from '../../../domain/shared/errors.js';
import { METRICS, NoMetrics, type Metrics } from '../../../application/shared/metrics.js';
import { token } from '../../../application/shared/token.js';
import { DomainFailure } from '../errors.js';
import { errors } from '../schemas.js';
import type { App, HttpRouteDeps, Resolver } from '../types.js';

/**
 * Who may scrape /api/metrics/prometheus and what it answers. `token`: a bearer token compared in
 * constant time; `allowIps`: client addresses/CIDRs (the client address as TRUST_PROXY resolves
 * it). Both set: both must pass. Neither: the route answers 404 (metrics are never public by
 * default). `scrape` is null when no Prometheus registry is bound.
 */
export interface MetricsHttpSettings {
  readonly token: string | null;
  readonly allowIps: readonly string[];
  readonly scrape: (() => Promise<{ contentType: string; body: string }>) | null;
}
export const METRICS_HTTP = token<MetricsHttpSettings>('MetricsHttpSettings');

/** The single route label of requests that matched no route (bounded cardinality). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Per-route rate, errors and duration: one onResponse hook on the root instance records every
 * answer by route TEMPLATE (`/api/products/:id`, never the raw URL), method and status; requests
 * that matched no route share one label. Registered before the routes so it covers them all;
 * not at all when metrics are off.
 */
export function observeHttp(app: App, resolve: Resolver): void {
  const metrics = resolve.get<Metrics>(METRICS);
  if (metrics instanceof NoMetrics) return; // metrics off: no hook on the hot path at all
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.count('http_requests_total', labels);
    metrics.observe('http_request_duration_seconds', labels, reply.elapsedTime / 1000);
    done();
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is checked as the IPv4 address it carries. */
function allowed(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** GET /api/metrics/prometheus: the text exposition format, behind the token and/or the allow-list. */
export async function metricsRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const settings = deps.resolve.get<MetricsHttpSettings>(METRICS_HTTP);
  const expected = settings.token === null ? null : digest(settings.token);
  const list = settings.allowIps.length > 0 ? allowList(settings.allowIps) : null;
  const open = settings.scrape !== null && (expected !== null || list !== null);

  const guard = async (request: FastifyRequest): Promise<void> => {
    if (!open) throw new DomainFailure(domainError('NOT_FOUND', 'Metrics are not enabled'));
    if (list !== null && !allowed(list, request.ip)) {
      throw new DomainFailure(domainError('FORBIDDEN', 'Metrics are not served to this address'));
    }
    if (expected !== null) {
      const header = request.headers.authorization;
      const given = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : null;
      if (given === null || !timingSafeEqual(digest(given), expected)) {
        throw new DomainFailure(domainError('NOT_AUTHENTICATED', 'A valid metrics token is required'));
      }
    }
  };

  app.get(
    '/prometheus',
    {
      preHandler: guard,
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'Protected: `Authorization: Bearer <METRICS_TOKEN>` and/or a client address in ' +
          'METRICS_ALLOW_IPS (both when both are set). With neither configured it answers 404.',
        security: [{ metricsToken: [] }],
        response: { 200: Type.String(), ...errors(401, 403, 404, 429) },
      },
    },
    async (_request, reply) => {
      // `open` implies a registry; the guard has answered 404 otherwise.
      const scraped = await settings.scrape!();
      return reply.type(scraped.contentType).send(scraped.body);
    },
  );
}
