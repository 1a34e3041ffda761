/**
 * Benchmarks of the storefront's hot routes beside their baselines, measured in ONE run:
 * throughput (req/s) and latency (p50, p99) at BENCH_CONNECTIONS (50), each scenario compared with
 * a Fastify hello-world or with a bare Fastify route sending the same bytes pre-serialized; then
 * start to first answer (median of 5) and resident memory, idle and under catalog load. Prints a
 * markdown table and writes it to BENCH_OUTPUT (bench/results/latest.md, not committed: the
 * README's table is the record). Asserts nothing.
 *
 *   npm run build && npm run bench           # the server as `npm start` runs it (the bundle)
 *   BENCH_SERVER=tsx npm run bench           # server through tsx (no build; start-up includes compiling)
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_SCENARIOS=list,checkout npm run bench
 *   BENCH_MONGODB_URI=mongodb://127.0.0.1:27027/bench BENCH_REDIS_URL=redis://127.0.0.1:6390 npm run bench
 *   BENCH_CPU_PROF_DIR=var/prof BENCH_SCENARIOS=checkout npm run bench   # V8 CPU profiles of the apps
 *
 * Processes: this one is only the load generator (autocannon) and runs on core 0; the app
 * (bootstrap/main, production mode, demo catalog, rate limits off, a fresh shopper with 5 wishlist
 * items and a product with 1,000,000 in stock) and the baselines (bench/baseline-server.ts) are
 * child processes on core 1 (`taskset`, when present with two cores or more). The caching-disabled
 * variant is a second app started with RESPONSE_CACHE_ENABLED=false.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { report, type LoadRow, type StartRow } from './run-report.js';
import { npmStartArgs } from './start-command.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const startRuns = Number(process.env.BENCH_START_RUNS ?? 5);
/**
 * Idle RSS is read this long after the first answer: past start-up's one-off work (the admin
 * seed's password-hash thread ends 10 s after its job). RSS 1 s after is reported too.
 */
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 15);
const output = resolve(process.env.BENCH_OUTPUT ?? 'bench/results/latest.md');
const only = (process.env.BENCH_SCENARIOS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const cpuProfDir = process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : null;
const mongoUri = process.env.BENCH_MONGODB_URI ?? '';
const redisUrl = process.env.BENCH_REDIS_URL ?? '';
/** Exactly what `npm start` runs (package.json's start script: the bundle, with its node flags). */
const startArgs = npmStartArgs(resolve('.'));
const distEntry = startArgs.at(-1)!;
const serverMode =
  process.env.BENCH_SERVER === 'tsx' || (process.env.BENCH_SERVER !== 'dist' && !existsSync(distEntry))
    ? 'tsx'
    : 'dist';
const pinned = spawnSync('taskset', ['--version']).status === 0 && cpus().length >= 2;
const ADMIN_EMAIL = 'bench-admin@amourflorals.local';
const ADMIN_PASSWORD = `Bench-${randomBytes(18).toString('base64url')}`;
/**
 * Checkout places a new order per request, and a shopper may hold only MAX_UNPAID_ORDERS_PER_USER
 * orders awaiting payment: the requests cycle through SHOPPERS shoppers, each allowed SHOPPER_ORDERS.
 */
const SHOPPERS = Number(process.env.BENCH_SHOPPERS ?? 200);
const SHOPPER_ORDERS = 250;
const JWT_SECRET = randomBytes(32).toString('hex');
const PII_MASTER_KEY = randomBytes(32).toString('base64');

// ---------------------------------------------------------------- processes

interface Proc {
  readonly child: ChildProcess;
  readonly log: () => string;
}

function startProcess(args: readonly string[], env: Record<string, string>): Proc {
  const command = pinned ? 'taskset' : process.execPath;
  const argv = pinned ? ['-c', '1', process.execPath, ...args] : [...args];
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, log: () => tail };
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until anything answers; the time from `since` (ms). */
async function firstAnswer(proc: Proc, url: string, since: bigint): Promise<number> {
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`the server exited ${proc.child.exitCode}: ${proc.log()}`);
    if (Number(process.hrtime.bigint() - since) > 60e9) throw new Error(`no answer in 60 s: ${proc.log()}`);
    try {
      await fetch(url);
      return Number(process.hrtime.bigint() - since) / 1e6;
    } catch {
      await sleep(10);
    }
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** CPU time (user + system, in microseconds) the process has used so far, from /proc. */
function cpuMicros(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (CLK_TCK per second).
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

interface Server {
  readonly proc: Proc;
  readonly origin: string;
  readonly startMs: number;
}

async function startApp(extra: Record<string, string>, scratch: string, profile: boolean): Promise<Server> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    // Production refuses to start without a real card gateway; the bench takes no payments.
    CARD_PAYMENTS_ENABLED: 'false',
    JWT_SECRET,
    PII_MASTER_KEY,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    RATE_LIMIT_ENABLED: 'false',
    MAX_UNPAID_ORDERS_PER_USER: String(SHOPPER_ORDERS),
    // Registering the checkout's shoppers quickly; no scenario hashes a password.
    BCRYPT_ROUNDS: '4',
    MAIL_OUTBOX_DIR: join(scratch, 'outbox'),
    SMS_OUTBOX_DIR: join(scratch, 'sms'),
    UPLOADS_DIR: join(scratch, 'uploads'),
    ...(mongoUri ? { MONGODB_URI: mongoUri } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...extra,
  };
  const flags = profile && cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const entry = serverMode === 'dist' ? startArgs : ['--import', 'tsx', resolve('bootstrap/main.ts')];
  const since = process.hrtime.bigint();
  const proc = startProcess([...flags, ...entry], env);
  const origin = `http://127.0.0.1:${port}`;
  const startMs = await firstAnswer(proc, `${origin}/api/health`, since);
  return { proc, origin, startMs };
}

async function startBaseline(): Promise<Server> {
  const since = process.hrtime.bigint();
  const proc = startProcess(['--import', 'tsx', resolve('bench/baseline-server.ts')], {
    PATH: process.env.PATH ?? '',
  });
  const port = await new Promise<number>((done, fail) => {
    let buffered = '';
    proc.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(buffered);
      if (match) done(Number(match[1]));
    });
    proc.child.once('exit', (code) => fail(new Error(`baseline server exited ${code}: ${proc.log()}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  const startMs = await firstAnswer(proc, `${origin}/hello`, since);
  return { proc, origin, startMs };
}

// ---------------------------------------------------------------- HTTP

interface Call {
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** One raw request (no Accept-Encoding, as autocannon sends): status, content type, headers and the body's bytes. */
function raw(
  url: string,
  call: Call = {},
): Promise<{ status: number; contentType: string; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: call.method ?? 'GET', headers: call.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', fail);
    });
    req.on('error', fail);
    if (call.body !== undefined) req.write(call.body);
    req.end();
  });
}

async function api<T>(
  origin: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  token?: string,
  body?: unknown,
) {
  const answer = await raw(`${origin}/api${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = answer.body.toString();
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${text.slice(0, 300)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

const ADDRESS = {
  fullName: 'Asha Rao',
  street: '1 MG Road',
  city: 'Pune',
  state: 'MH',
  zipCode: '411001',
  country: 'India',
  phone: '+91 98765 43210',
};

interface Fixture {
  readonly token: string;
  /** Shoppers whose tokens the checkout scenario cycles through (each may hold SHOPPER_ORDERS unpaid orders). */
  readonly checkoutTokens: readonly string[];
  readonly productId: string;
  readonly slug: string;
}

/** A shopper with 5 wishlist items, and the first product with stock that never runs out. */
async function fixture(origin: string, withCheckout: boolean): Promise<Fixture> {
  const admin = await api<{ token: string }>(origin, 'POST', '/auth/login', undefined, {
    email: ADMIN_EMAIL,
    password: ADMIN_PASSWORD,
  });
  const shopper = await api<{ token: string }>(origin, 'POST', '/auth/register', undefined, {
    fullName: 'Bench Shopper',
    email: `bench-${randomBytes(4).toString('hex')}@example.com`,
    password: 'bench-pass-1',
    phone: '',
    birthday: '',
  });
  const list = await api<{ data: { products: Array<{ _id: string; seo?: { slug?: string } }> } }>(
    origin,
    'GET',
    '/products?limit=5',
  );
  const products = list.data.products;
  for (const p of products) await api(origin, 'POST', `/wishlist/${p._id}`, shopper.token);
  const productId = products[0]!._id;
  await api(origin, 'PUT', `/products/${productId}/stock`, admin.token, { set: 1_000_000 });
  const checkoutTokens: string[] = [];
  for (let i = 0; i < (withCheckout ? SHOPPERS : 0); i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, SHOPPERS - i) }, () =>
        api<{ token: string }>(origin, 'POST', '/auth/register', undefined, {
          fullName: 'Bench Buyer',
          email: `buyer-${randomBytes(6).toString('hex')}@example.com`,
          password: 'bench-pass-1',
          phone: '',
          birthday: '',
        }),
      ),
    );
    checkoutTokens.push(...batch.map((b) => b.token));
  }
  return { token: shopper.token, checkoutTokens, productId, slug: products[0]!.seo?.slug ?? productId };
}

// ---------------------------------------------------------------- scenarios

type Target = 'app' | 'nocache';

interface Scenario {
  readonly id: string;
  readonly name: string;
  readonly target: Target;
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Authorization headers the requests cycle through, one per request. */
  readonly rotateAuth?: readonly string[];
  /** 'hello', or the key of the same-bytes baseline (scenarios with the same answer share one). */
  readonly baseline: 'hello' | { readonly bytes: string };
  /** Counted in "RSS under catalog load". */
  readonly catalog?: boolean;
  /**
   * Also measure the same bytes sent with the app's answer headers (an informative row, not the
   * ratio's baseline): how much of the gap to the bare bytes is the headers every answer carries.
   */
  readonly replayHeaders?: boolean;
}

/** Headers of the app's answer that the wire sets itself, so they are not replayed. */
const NOT_REPLAYED = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

const HELLO = 'Fastify hello-world';

/** `nocacheProductId`: the detail's product on the caching-disabled app (its own seeded ids). */
function scenarios(f: Fixture, nocacheProductId: string): Scenario[] {
  const auth = { authorization: `Bearer ${f.token}` };
  const catalog = (
    id: string,
    name: string,
    path: string,
    target: Target = 'app',
    bytes = id,
    replayHeaders = false,
  ): Scenario => ({
    id,
    name,
    target,
    path,
    baseline: { bytes },
    catalog: true,
    replayHeaders,
  });
  const filtered = '/api/products?limit=24&minPrice=1&inStock=true&sort=price-desc';
  return [
    catalog('list', 'GET /api/products?limit=24', '/api/products?limit=24'),
    catalog('list-filtered', 'same, filtered and sorted', filtered),
    catalog('detail', 'product detail', `/api/products/${f.productId}`, 'app', 'detail', true),
    catalog('featured', 'GET /api/products/featured', '/api/products/featured'),
    catalog('popular', 'GET /api/products/popular', '/api/products/popular'),
    catalog('suggested', 'GET /api/products/suggested', '/api/products/suggested'),
    catalog('categories', 'GET /api/categories', '/api/categories', 'app', 'categories', true),
    catalog('search', 'GET /api/products/search?q=roses', '/api/products/search?q=roses'),
    catalog(
      'list-nocache',
      'GET /api/products?limit=24, caching disabled',
      '/api/products?limit=24',
      'nocache',
      'list',
    ),
    catalog(
      'detail-nocache',
      'product detail, caching disabled',
      `/api/products/${nocacheProductId}`,
      'nocache',
      'detail',
    ),
    {
      id: 'wishlist',
      name: 'polled GET /api/wishlist (5 items, authenticated)',
      target: 'app',
      path: '/api/wishlist',
      headers: auth,
      baseline: { bytes: 'wishlist' },
    },
    {
      id: 'checkout',
      name: 'POST /api/orders (1 line, authenticated, a new order each)',
      target: 'app',
      path: '/api/orders',
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ product: f.productId, quantity: 1 }], shippingAddress: ADDRESS }),
      rotateAuth: f.checkoutTokens.map((t) => `Bearer ${t}`),
      baseline: 'hello',
    },
  ];
}

async function measure(
  name: string,
  origin: string,
  call: Call & { path: string },
  bytes: number,
  baseline?: string,
  rotateAuth: readonly string[] = [],
  pid?: number,
): Promise<LoadRow> {
  let turn = 0;
  const options: autocannon.Options = {
    url: origin + call.path,
    connections,
    method: call.method ?? 'GET',
    ...(call.headers ? { headers: call.headers } : {}),
    ...(call.body !== undefined ? { body: call.body.toString() } : {}),
    ...(rotateAuth.length > 0
      ? {
          requests: [
            {
              setupRequest: (req) => ({
                ...req,
                headers: { ...req.headers, authorization: rotateAuth[turn++ % rotateAuth.length]! },
              }),
            },
          ],
        }
      : {}),
  };
  if (warmup > 0) await autocannon({ ...options, duration: warmup });
  const cpuBefore = cpuMicros(pid);
  const result = await autocannon({ ...options, duration: seconds });
  const cpuAfter = cpuMicros(pid);
  // The server's CPU per answered request: steadier than req/s on a shared machine.
  const cpuUsPerRequest =
    cpuBefore !== null && cpuAfter !== null && result.requests.total > 0
      ? (cpuAfter - cpuBefore) / result.requests.total
      : null;
  return {
    name,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    bytes,
    ...(baseline !== undefined ? { baseline } : {}),
    cpuUsPerRequest,
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (pinned) spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'af-bench-'));
  const procs: Proc[] = [];
  const starts: StartRow[] = [];
  const rows: LoadRow[] = [];
  try {
    const base = await startBaseline();
    procs.push(base.proc);
    const app = await startApp({}, scratch, true);
    procs.push(app.proc);
    await sleep(1000);
    const appFirstSecondRss = rssMb(app.proc.child.pid);
    const baseFirstSecondRss = rssMb(base.proc.child.pid);
    await sleep(Math.max(0, idleSeconds - 1) * 1000);
    const appIdleRss = rssMb(app.proc.child.pid);
    const baseIdleRss = rssMb(base.proc.child.pid);
    const wanted = (id: string) => only.length === 0 || only.includes(id);
    const f = await fixture(app.origin, wanted('checkout'));
    let nocache: Server | null = null;
    let nocacheProductId = f.productId;
    if (wanted('list-nocache') || wanted('detail-nocache')) {
      nocache = await startApp({ RESPONSE_CACHE_ENABLED: 'false' }, scratch, true);
      procs.push(nocache.proc);
      nocacheProductId = (await fixture(nocache.origin, false)).productId;
    }
    const chosen = scenarios(f, nocacheProductId).filter((s) => wanted(s.id));

    const helloBytes = (await raw(`${base.origin}/hello`)).body.length;
    rows.push(
      await measure(HELLO, base.origin, { path: '/hello' }, helloBytes, undefined, [], base.proc.child.pid),
    );
    const bytesRows = new Map<string, string>();
    let loadRss = 0;
    for (const s of chosen) {
      const target = s.target === 'app' ? app : nocache!;
      const call = {
        path: s.path,
        ...(s.method ? { method: s.method } : {}),
        ...(s.headers ? { headers: s.headers } : {}),
        ...(s.body !== undefined ? { body: s.body } : {}),
      };
      const probe = await raw(target.origin + s.path, call);
      if (probe.status >= 300)
        throw new Error(`${s.name}: ${probe.status} ${probe.body.toString().slice(0, 300)}`);
      let baseline = HELLO;
      if (s.baseline !== 'hello') {
        const key = s.baseline.bytes;
        if (!bytesRows.has(key)) {
          await raw(`${base.origin}/bytes/${key}`, {
            method: 'PUT',
            headers: { 'content-type': probe.contentType },
            body: probe.body,
          });
          const name = `same bytes as ${key}, pre-serialized`;
          rows.push(
            await measure(
              name,
              base.origin,
              { path: `/bytes/${key}` },
              probe.body.length,
              undefined,
              [],
              base.proc.child.pid,
            ),
          );
          bytesRows.set(key, name);
          if (s.replayHeaders) {
            const replayed = Object.fromEntries(
              Object.entries(probe.headers).filter(([h, v]) => !NOT_REPLAYED.has(h) && typeof v === 'string'),
            );
            await raw(`${base.origin}/bytes/${key}-headers`, {
              method: 'PUT',
              headers: { 'content-type': probe.contentType, 'x-replay-headers': JSON.stringify(replayed) },
              body: probe.body,
            });
            rows.push(
              await measure(
                `same bytes and the app's ${Object.keys(replayed).length} headers as ${key}, pre-serialized`,
                base.origin,
                { path: `/bytes/${key}-headers` },
                probe.body.length,
                undefined,
                [],
                base.proc.child.pid,
              ),
            );
          }
        }
        baseline = bytesRows.get(key)!;
      }
      const sampler = s.catalog
        ? setInterval(() => {
            loadRss = Math.max(loadRss, rssMb(target.proc.child.pid) ?? 0);
          }, 250)
        : null;
      rows.push(
        await measure(
          s.name,
          target.origin,
          call,
          probe.body.length,
          baseline,
          s.rotateAuth,
          target.proc.child.pid,
        ),
      );
      if (sampler) clearInterval(sampler);
    }
    starts.push({
      name: 'the app (embedded default)',
      startMs: [app.startMs],
      firstSecondRssMb: appFirstSecondRss,
      idleRssMb: appIdleRss,
      loadRssMb: loadRss || null,
    });
    starts.push({
      name: 'bare Fastify (baseline)',
      startMs: [base.startMs],
      firstSecondRssMb: baseFirstSecondRss,
      idleRssMb: baseIdleRss,
    });
    for (const p of procs.splice(0)) await stop(p);

    // Start to first answer: fresh processes, one at a time, nothing else running.
    for (let i = 1; i < startRuns; i += 1) {
      const again = await startApp({}, scratch, false);
      (starts[0]!.startMs as number[]).push(again.startMs);
      await stop(again.proc);
      const bare = await startBaseline();
      (starts[1]!.startMs as number[]).push(bare.startMs);
      await stop(bare.proc);
    }
  } finally {
    for (const p of procs) await stop(p);
    rmSync(scratch, { recursive: true, force: true });
  }

  const text = report(
    {
      date: new Date().toISOString(),
      node: process.version,
      connections,
      seconds,
      pinned,
      idleSeconds,
      server:
        serverMode === 'dist'
          ? `node ${startArgs.join(' ').replaceAll(resolve('.') + '/', '')} (npm start)`
          : 'tsx bootstrap/main.ts',
      store: mongoUri
        ? `MongoDB${redisUrl ? ' + Redis' : ''}`
        : redisUrl
          ? 'embedded + Redis'
          : 'embedded default',
    },
    rows,
    startRuns > 0 ? starts : [],
  );
  console.log(text);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, text);
  console.log(`written to ${output}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
