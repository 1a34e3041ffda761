/**
 * Search at 10,000 products: GET /api/search/autocomplete (prefixes as typed and misspellings)
 * and GET /api/products/search/advanced (filters bracketed and JSON-encoded, facets=true),
 * beside two baselines in the same run: a Fastify hello-world and a route sending each search
 * answer's same bytes pre-serialized. Reports req/s, client latency, the app's own server-side
 * time per request and ratios, and whether autocomplete stays under 10 ms; asserts nothing.
 *
 *   npm run bench:search
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=10 BENCH_PRODUCTS=10000 npm run bench:search
 *
 * This process is the load generator only (autocannon, each scenario cycling through its paths).
 * The server is bench/search-server.ts in its own process (on core 1 with `taskset` when there
 * are two cores, this process on core 0): the app with the demo catalog plus synthetic products
 * created through the catalog use case, and the baselines on a second port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { AUTOCOMPLETE_QUERIES } from './search-corpus.js';
import {
  advancedPath,
  autocompletePaths,
  autocompleteVerdict,
  searchTable,
  summarizeServerTimes,
  type AdvancedQuery,
  type ScenarioResult,
} from './search-report.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const products = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const taskset = spawnSync('taskset', ['--version']).status === 0 && cpus().length >= 2;

const ADVANCED: readonly AdvancedQuery[] = [
  { q: 'roses' },
  { q: 'birthday roses', occasions: ['birthday'], priceRange: { min: 500, max: 3000 }, sort: 'relevance' },
  { q: 'lilies', inStock: true, ratingMin: 4, json: true },
  { q: 'tulps', occasions: ['birthday', 'anniversary'], sort: 'price-asc' },
];

type Message = { type: string; [key: string]: unknown };

function startServer(): { child: ChildProcess; next: (type: string) => Promise<Message> } {
  const args = ['--import', 'tsx', 'bench/search-server.ts'];
  const child = taskset
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, BENCH_PRODUCTS: String(products) },
      })
    : spawn(process.execPath, args, {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, BENCH_PRODUCTS: String(products) },
      });
  if (taskset) spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  const next = (type: string) =>
    new Promise<Message>((resolve, reject) => {
      const onMessage = (message: Message) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) => reject(new Error(`search server exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return { child, next };
}

async function main(): Promise<void> {
  const started = Date.now();
  const { child, next } = startServer();
  const ready = await next('ready');
  const app = `http://127.0.0.1:${String(ready.appPort)}`;
  const base = `http://127.0.0.1:${String(ready.basePort)}`;
  console.log(
    `server ready in ${Math.round((Date.now() - started) / 1000)} s: ${String(ready.products)} products, ` +
      `search index holds ${String(ready.indexed ?? 'no index bound')}`,
  );

  const run = async (
    name: string,
    origin: string,
    paths: readonly string[],
    extra: Partial<ScenarioResult> = {},
  ): Promise<ScenarioResult> => {
    const first = await fetch(origin + paths[0]);
    const body = await first.text();
    if (first.status === 404 && !/"hello"/.test(body)) {
      return {
        name,
        reqPerSec: 0,
        p50: 0,
        p99: 0,
        non2xx: 0,
        bytes: 0,
        server: null,
        skipped: `404 (route missing?)`,
      };
    }
    await nextTimes(); // drop the probe's time
    const result = await autocannon({
      url: origin,
      connections,
      duration: seconds,
      requests: paths.map((path) => ({ method: 'GET' as const, path })),
    });
    const times = (await nextTimes()) as Record<string, number[]>;
    const pathname = paths[0]!.split('?')[0]!;
    return {
      name,
      reqPerSec: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      bytes: Buffer.byteLength(body),
      server: summarizeServerTimes(times[pathname] ?? []),
      ...extra,
    };
  };
  async function nextTimes(): Promise<unknown> {
    const answer = next('times');
    child.send({ type: 'times' });
    return (await answer).times;
  }
  const setBytes = async (key: string, path: string) => {
    const body = await (await fetch(app + path)).text();
    const answer = next('bytes-set');
    child.send({ type: 'bytes', key, body });
    await answer;
  };

  const autocomplete = autocompletePaths(AUTOCOMPLETE_QUERIES);
  const advanced = ADVANCED.map((q) => advancedPath(q));
  await setBytes('autocomplete', autocomplete[3]!); // "rsoe": a typical answer
  await setBytes('advanced', advanced[1]!);

  const HELLO = 'Fastify hello-world (baseline)';
  const rows: ScenarioResult[] = [];
  rows.push(await run(HELLO, base, ['/hello']));
  rows.push(await run('same bytes as an autocomplete answer (baseline)', base, ['/bytes/autocomplete']));
  rows.push(
    await run(`GET /api/search/autocomplete (${autocomplete.length} queries)`, app, autocomplete, {
      sameBytesAs: 'same bytes as an autocomplete answer (baseline)',
    }),
  );
  rows.push(await run('same bytes as an advanced answer (baseline)', base, ['/bytes/advanced']));
  rows.push(
    await run(`GET /api/products/search/advanced, facets (${advanced.length} queries)`, app, advanced, {
      sameBytesAs: 'same bytes as an advanced answer (baseline)',
    }),
  );
  child.send({ type: 'stop' });
  await new Promise((r) => child.once('exit', r));

  console.log(
    `\n${String(ready.products)} products, ${connections} connections, ${seconds} s per scenario, Node ${process.version}${taskset ? ', server on core 1, load on core 0' : ''}\n`,
  );
  console.log(searchTable(rows, HELLO));
  console.log(`\n${autocompleteVerdict(rows[2], Number(ready.products))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
