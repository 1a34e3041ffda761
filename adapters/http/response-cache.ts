import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type {
  FastifyReply,
  FastifyRequest,
  onRequestAbortHookHandler,
  onRequestHookHandler,
  onResponseHookHandler,
  onSendHookHandler,
  RouteOptions,
} from 'fastify';
import { LRUCache } from 'lru-cache';
import { cacheKey, type CatalogCacheTtl } from '../../application/catalog/cached-reads.js';
import type { Cache } from '../../application/shared/ports.js';
import type { Metrics } from '../../application/shared/metrics.js';
import type { App } from './types.js';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** The opt-in a public read puts in its route config: what its answer depends on and how long it keeps. */
export interface ResponseCacheRoute {
  /** The Cache namespaces whose generations the answer depends on (CATALOG_CACHE.*). */
  readonly namespaces: readonly string[];
  /** Which of the catalog TTLs applies (config.cacheTtl). */
  readonly ttl: keyof CatalogCacheTtl;
  /**
   * What the handler does beside answering and must still happen when the answer comes from the
   * cache (a product view counted, a search recorded). Runs only on hits: on a miss the handler does it.
   */
  readonly onHit?: (request: FastifyRequest) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Serve this GET's 200 answers from the response cache (adapters/http/response-cache.ts). */
    responseCache?: ResponseCacheRoute;
  }
}

export interface ResponseCacheSettings {
  /** false: every request runs its handler (the "caching disabled" mode). */
  readonly enabled: boolean;
  /** The in-process LRU's bound: bytes of every variant of every entry together. */
  readonly maxBytes: number;
  readonly ttl: CatalogCacheTtl;
  /** Also keep entries in the shared Cache (Redis), so the instances compute each answer once. */
  readonly shared: boolean;
}

/**
 * Browsers and proxies may keep the answer but must revalidate it before each use: a price change
 * is served at once, and a revalidation is a cheap 304 through the ETag.
 */
export const RESPONSE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';
const SHARED_NAMESPACE = 'http.response';

interface Entry {
  readonly contentType: string;
  readonly identity: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
  /** Strong tag of the identity bytes; the encoded variants append -gz / -br. */
  readonly tag: string;
}

interface SharedEntry {
  readonly t: string;
  readonly i: string;
  readonly g: string;
  readonly b: string;
  readonly e: string;
}

interface Flight {
  readonly key: string;
  readonly ttlSeconds: number;
  readonly promise: Promise<Entry | undefined>;
  settle(entry: Entry | undefined): void;
  settled: boolean;
}

/**
 * What one URL (as routed, after the /api/api rewrite) validated to on an earlier request: its
 * route's key prefix and the validated params and query the hit's side effects read. Validation is
 * a pure function of the URL, so a later request for the same URL would validate to the same.
 */
interface Validated {
  readonly prefix: string;
  readonly params: unknown;
  readonly query: unknown;
}

/** URLs remembered with what they validated to (bounded: a crawler's every query string evicts the oldest). */
const VALIDATED_URLS = 10_000;

/**
 * Request headers after which a hit is not answered early: anything that makes the request more
 * than an anonymous read (a token or API key, whose hooks past onRequest may refuse it; a
 * signature) or that carries a body (parsed and checked after onRequest).
 */
const NOT_EARLY = [
  'authorization',
  'x-api-key',
  'x-signature',
  'content-length',
  'transfer-encoding',
  'content-encoding',
] as const;

const FLIGHT = Symbol('responseCacheFlight');
type WithFlight = FastifyRequest & { [FLIGHT]?: Flight };

async function buildEntry(body: Buffer, contentType: string): Promise<Entry> {
  const [gz, br] = await Promise.all([
    gzipAsync(body, { level: 6 }),
    brotliAsync(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  ]);
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return { contentType, identity: body, gzip: gz, br, tag };
}

function toShared(e: Entry): SharedEntry {
  return {
    t: e.contentType,
    i: e.identity.toString('base64'),
    g: e.gzip.toString('base64'),
    b: e.br.toString('base64'),
    e: e.tag,
  };
}

function fromShared(s: SharedEntry): Entry {
  return {
    contentType: s.t,
    identity: Buffer.from(s.i, 'base64'),
    gzip: Buffer.from(s.g, 'base64'),
    br: Buffer.from(s.b, 'base64'),
    tag: s.e,
  };
}

type Coding = 'br' | 'gzip' | 'identity';

/** The best coding the client accepts (q > 0): br, then gzip, else identity. */
export function negotiate(acceptEncoding: string | undefined): Coding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    accepted.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const ok = (coding: string) => (accepted.get(coding) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

function etagOf(entry: Entry, coding: Coding): string {
  return `"${entry.tag}${coding === 'br' ? '-br' : coding === 'gzip' ? '-gz' : ''}"`;
}

function matchesIfNoneMatch(header: string | undefined, entry: Entry): boolean {
  if (!header) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    return (
      tag === '*' || tag === `"${entry.tag}"` || tag === `"${entry.tag}-gz"` || tag === `"${entry.tag}-br"`
    );
  });
}

/** Answers `entry`: 304 when the client holds it, else the variant its Accept-Encoding prefers. */
function answer(request: FastifyRequest, reply: FastifyReply, entry: Entry): Buffer | null {
  const coding = negotiate(request.headers['accept-encoding']);
  // Beside what is already there (Origin, from CORS): the answer depends on both.
  const vary = reply.getHeader('vary');
  reply.header('vary', vary === undefined ? 'Accept-Encoding' : `${String(vary)}, Accept-Encoding`);
  reply.header('cache-control', RESPONSE_CACHE_CONTROL);
  reply.header('etag', etagOf(entry, coding));
  if (matchesIfNoneMatch(request.headers['if-none-match'], entry)) {
    reply.code(304);
    reply.removeHeader('content-length');
    return null;
  }
  reply.header('content-type', entry.contentType);
  if (coding !== 'identity') reply.header('content-encoding', coding);
  return coding === 'br' ? entry.br : coding === 'gzip' ? entry.gzip : entry.identity;
}

/**
 * The HTTP response cache: a GET route whose config carries `responseCache` has its 200 answers
 * kept as the bytes sent (plus gzip and brotli variants, computed once), keyed by the route, its
 * validated params and query (keys sorted, defaults applied) and the current generations of its
 * namespaces. Two tiers: an in-process LRU bounded by bytes, then the shared Cache (Redis) when
 * `shared`. A write invalidates a namespace (cached-reads.ts), which changes its generation on
 * every instance at once, so the next read misses: exact, with nothing to purge. While the
 * generation cannot be read (Redis down) nothing is served from or stored in this cache. N
 * parallel requests for a cold key run the handler once (single-flight); the others wait for its
 * bytes. ETag + If-None-Match answer 304.
 */
export function registerResponseCache(
  app: App,
  settings: ResponseCacheSettings,
  cache: Cache,
  metrics: Metrics,
): void {
  if (!settings.enabled) return;
  const lru = new LRUCache<string, Entry>({
    maxSize: settings.maxBytes,
    sizeCalculation: (e) => Math.max(1, e.identity.length + e.gzip.length + e.br.length + e.tag.length),
  });
  const flights = new Map<string, Flight>();
  // outcome is hit | miss (METRIC_DEFINITIONS); a bypass (generation unknown) is a miss.
  const count = (outcome: 'hit' | 'miss') =>
    metrics.count('cache_lookups_total', { cache: 'response', outcome });

  const lookup = async (key: string, ttlSeconds: number): Promise<Entry | undefined> => {
    const local = lru.get(key);
    if (local || !settings.shared) return local;
    const found = await cache.get<SharedEntry>(SHARED_NAMESPACE, key);
    if (!found) return undefined;
    const entry = fromShared(found);
    lru.set(key, entry, { ttl: 1000 * ttlSeconds });
    return entry;
  };

  const validatedUrls = new LRUCache<string, Validated>({ max: VALIDATED_URLS });
  const generationsOf = async (namespaces: readonly string[]): Promise<string | undefined> => {
    const local = localGenerationsOf(namespaces);
    if (local !== undefined) return local;
    const generations = await Promise.all(namespaces.map((ns) => cache.generation(ns)));
    return generations.some((g) => g === undefined) ? undefined : generations.join(',');
  };
  /** The same, when the cache knows every generation without I/O (in-process); else undefined. */
  const localGenerationsOf = (namespaces: readonly string[]): string | undefined => {
    let joined = '';
    for (let i = 0; i < namespaces.length; i++) {
      const generation = cache.localGeneration(namespaces[i]!);
      if (generation === undefined) return undefined;
      joined = i === 0 ? generation : `${joined},${generation}`;
    }
    return joined;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, entry: Entry): FastifyReply => {
    const payload = answer(request, reply, entry);
    return payload === null ? reply.send() : reply.send(payload);
  };
  /**
   * Answers `entry`, after the route's onHit when it has one (then a promise: an async hook must
   * not resolve before the reply is sent, or Fastify would run the handler too).
   */
  const serveHit = (
    request: FastifyRequest,
    reply: FastifyReply,
    entry: Entry,
    route: ResponseCacheRoute,
  ): FastifyReply | Promise<FastifyReply> => {
    count('hit');
    if (!route.onHit) return send(request, reply, entry);
    return route.onHit(request).then(() => send(request, reply, entry));
  };

  /** The lookup of a validated request (a hit is sent; a miss leads or joins the key's flight). */
  const lookupOrLead = (route: ResponseCacheRoute) =>
    async function responseCacheLookup(request: FastifyRequest, reply: FastifyReply) {
      if (request.method !== 'GET') return;
      const generations = await generationsOf(route.namespaces);
      if (generations === undefined) {
        count('miss');
        return;
      }
      const prefix = `GET ${request.routeOptions.url ?? ''} ${cacheKey(request.params)} ${cacheKey(request.query)}`;
      validatedUrls.set(request.url, { prefix, params: request.params, query: request.query });
      const key = `${prefix} ${generations}`;
      const found = await lookup(key, settings.ttl[route.ttl]);
      if (found) return serveHit(request, reply, found, route);
      const running = flights.get(key);
      if (running) {
        const computed = await running.promise;
        if (computed) return serveHit(request, reply, computed, route);
        count('miss'); // the leader's answer was not cacheable: this one runs its own handler
        return;
      }
      count('miss');
      let settle!: (entry: Entry | undefined) => void;
      const promise = new Promise<Entry | undefined>((resolve) => (settle = resolve));
      const flight: Flight = {
        key,
        ttlSeconds: settings.ttl[route.ttl],
        promise,
        settled: false,
        settle: (entry) => {
          if (flight.settled) return;
          flight.settled = true;
          flights.delete(key);
          settle(entry);
        },
      };
      flights.set(key, flight);
      (request as WithFlight)[FLIGHT] = flight;
    };

  /** The leader of a flight stores its answer (and its variants) and sends the variant asked for. */
  const store = async (request: FastifyRequest, reply: FastifyReply, flight: Flight, payload: unknown) => {
    if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      flight.settle(undefined);
      return payload;
    }
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
    let entry: Entry;
    try {
      entry = await buildEntry(body, contentType);
    } catch {
      flight.settle(undefined);
      return payload;
    }
    lru.set(flight.key, entry, { ttl: 1000 * flight.ttlSeconds });
    flight.settle(entry);
    if (settings.shared) await cache.set(SHARED_NAMESPACE, flight.key, toShared(entry), flight.ttlSeconds);
    return answer(request, reply, entry);
  };
  // Callback style: only a flight's leader has anything to wait for.
  const storeLeader: onSendHookHandler = function responseCacheStore(request, reply, payload, done) {
    const flight = (request as WithFlight)[FLIGHT];
    if (!flight || flight.settled) return done(null, payload);
    store(request, reply, flight, payload).then(
      (sent) => done(null, sent),
      (error: Error) => done(error),
    );
  };

  /**
   * The early answer: an anonymous GET of a URL that validated before, whose entry is in the cache,
   * is answered at the end of onRequest, after every hook of that phase (request id, security
   * headers, CORS, rate limits and budgets, the batch and API-key gates, the route's own) and
   * before body parsing, validation and the preHandler lookup, which would compute the same key.
   * Anything else (a miss, an unknown URL, a caller with credentials) goes the normal way.
   */
  const earlyHit = (route: ResponseCacheRoute): onRequestHookHandler =>
    // Callback style, and synchronous when the generations are in-process (the embedded default):
    // the awaits of an async hook were a quarter of a small cached read's CPU (issue 14).
    function responseCacheEarlyHit(request, reply, done) {
      if (request.method !== 'GET') return done();
      const headers = request.headers;
      for (const name of NOT_EARLY) if (headers[name] !== undefined) return done();
      const validated = validatedUrls.get(request.url);
      if (validated === undefined) return done();
      const serve = (found: Entry | undefined) => {
        if (!found) return done();
        // What the handler would have seen, for the hit's side effects (a view counted, a search recorded).
        request.params = { ...(validated.params as object) };
        request.query = { ...(validated.query as object) };
        const sent = serveHit(request, reply, found, route);
        if (sent instanceof Promise) sent.catch((error: Error) => done(error));
      };
      const local = localGenerationsOf(route.namespaces);
      if (local !== undefined) return serve(lru.get(`${validated.prefix} ${local}`));
      generationsOf(route.namespaces)
        .then((generations) =>
          generations === undefined
            ? undefined
            : lookup(`${validated.prefix} ${generations}`, settings.ttl[route.ttl]),
        )
        .then(serve, (error: Error) => done(error));
    };
  // A leader that never reached onSend (aborted, failed before sending) frees its followers.
  const release = (request: FastifyRequest) => (request as WithFlight)[FLIGHT]?.settle(undefined);
  const releaseOnResponse: onResponseHookHandler = (request, _reply, done) => {
    release(request);
    done();
  };
  const releaseOnAbort: onRequestAbortHookHandler = (request, done) => {
    release(request);
    done();
  };

  // The hooks go on the routes that opt in, and only there: no other answer pays for this cache.
  app.addHook('onRoute', (options: RouteOptions) => {
    const route = options.config?.responseCache;
    if (!route) return;
    // Last of the route's onRequest hooks (the rate limits and compression add theirs before this).
    options.onRequest = [...hooksOf(options.onRequest), earlyHit(route)];
    // First of the route's own preHandler and onSend hooks, as a root hook would be: the lookup
    // before any route guard, the store before compression (the variants are computed here).
    options.preHandler = [lookupOrLead(route), ...hooksOf(options.preHandler)];
    options.onSend = [storeLeader, ...hooksOf(options.onSend)];
    options.onResponse = [...hooksOf(options.onResponse), releaseOnResponse];
    options.onRequestAbort = [...hooksOf(options.onRequestAbort), releaseOnAbort];
  });
}

/** A route option's hooks as a list (undefined, one function or several). */
function hooksOf<T>(hooks: T | readonly T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? [...(hooks as readonly T[])] : [hooks as T];
}
