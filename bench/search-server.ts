/**
 * The server of `bench/search.ts`, in its own process (started by it with an IPC channel; not
 * run by hand). The app as bootstrap/main.ts builds it (embedded default, rate limits off), the
 * demo catalog seeded at start, then products created through the catalog's CreateProduct use
 * case up to BENCH_PRODUCTS (10,000: bench/search-corpus.ts), so the search index learns them
 * the way it learns an admin's products (catalog events). Beside it, on another port, the
 * baselines: a Fastify hello-world and a route sending bytes given over IPC (a search answer
 * pre-serialized). Each request's server-side time, from the HTTP server's `request` event to the
 * response's `finish`, is kept per path and handed over IPC.
 *
 * Messages in: {type:'bytes', key, body} (the same-bytes route serves `body` at /bytes/<key>),
 * {type:'times'} (answers {type:'times', times: {path: ms[]}} and clears them), {type:'stop'}.
 * Message out once ready: {type:'ready', appPort, basePort, products, indexed}.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { CATEGORY_REPOSITORY, type CategoryRepository } from '../application/catalog/ports.js';
import { CreateProduct } from '../application/catalog/manage-products.js';
import { SEARCH_INDEX, type SearchIndex } from '../application/search/ports.js';
import { EventDispatcher } from '../application/shared/event-dispatcher.js';
import { DEMO_PRODUCTS } from '../adapters/persistence/seed/demo-catalog.js';
import { createApplication } from '../bootstrap/app.js';
import { benchConfig } from './app-config.js';
import { syntheticProductSeeds } from './search-corpus.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const times = new Map<string, number[]>();

/** Server-side time per path (query string dropped), from request to the response's last byte. */
function timeRequests(server: Server): void {
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const started = process.hrtime.bigint();
    const path = (request.url ?? '').split('?')[0]!;
    response.once('finish', () => {
      const list = times.get(path) ?? [];
      list.push(Number(process.hrtime.bigint() - started) / 1e6);
      times.set(path, list);
    });
  });
}

async function main(): Promise<void> {
  const config = benchConfig();
  const application = await createApplication(config);
  const { container } = application;

  // The demo catalog is seeded at start; the synthetic products go through the use case.
  const seeds = syntheticProductSeeds(PRODUCTS);
  const categories = await container.get<CategoryRepository>(CATEGORY_REPOSITORY).list();
  const categoryId = new Map(categories.map((c) => [c.seo.slug, c.id]));
  const create = container.get(CreateProduct);
  const dispatcher = container.get(EventDispatcher);
  for (const [i, seed] of seeds.entries()) {
    if (i < DEMO_PRODUCTS.length) continue; // the demo catalog's own products, seeded at start
    const created = await create.execute({
      ...seed.input,
      categoryId: categoryId.get(seed.categorySlug) ?? null,
    });
    if (created.isErr()) throw new Error(`product ${i}: ${created.error.code} ${created.error.message}`);
    if (i % 500 === 0) await dispatcher.drain();
  }
  await dispatcher.drain();
  const index = container.isBound(SEARCH_INDEX) ? container.get<SearchIndex>(SEARCH_INDEX) : null;
  // The index may be fed in the background: wait until it stops growing (at most 60 s).
  let indexed = index?.size ?? 0;
  for (let waited = 0; index && waited < 60_000; waited += 500) {
    await new Promise((r) => setTimeout(r, 500));
    if (index.size === indexed && indexed > 0) break;
    indexed = index.size;
  }

  timeRequests(application.app.server);
  await application.app.listen({ port: 0, host: '127.0.0.1' });

  const bytes = new Map<string, string>();
  const base = Fastify({ logger: false });
  base.get('/hello', async () => ({ hello: 'world' }));
  base.get<{ Params: { key: string } }>('/bytes/:key', (request, reply) => {
    const body = bytes.get(request.params.key);
    if (body === undefined) return reply.code(404).send();
    return reply.header('content-type', 'application/json; charset=utf-8').send(body);
  });
  timeRequests(base.server);
  await base.listen({ port: 0, host: '127.0.0.1' });

  const portOf = (server: Server) => {
    const address = server.address();
    return address !== null && typeof address === 'object' ? address.port : 0;
  };
  process.on('message', (message: { type: string; key?: string; body?: string }) => {
    if (message.type === 'bytes' && message.key !== undefined && message.body !== undefined) {
      bytes.set(message.key, message.body);
      process.send?.({ type: 'bytes-set', key: message.key });
    } else if (message.type === 'times') {
      process.send?.({ type: 'times', times: Object.fromEntries(times) });
      times.clear();
    } else if (message.type === 'stop') {
      void Promise.all([application.close(), base.close()]).then(() => process.exit(0));
    }
  });
  process.once('disconnect', () => process.exit(0));
  process.send?.({
    type: 'ready',
    appPort: portOf(application.app.server),
    basePort: portOf(base.server),
    products: seeds.length,
    indexed: index?.size ?? null,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
