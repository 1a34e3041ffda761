/**
 * Realtime fan-out: BENCH_SUBSCRIBERS (10,000) WebSocket subscribers on one instance, for each
 * transport in one run — `ws` on the API port and uWebSockets.js on REALTIME_UWS_PORT — beside a
 * baseline: a bare `ws` server sending the same bytes to the same number of clients. Reports
 * numbers and ratios, and whether the issue's targets hold; asserts nothing.
 *
 *   npm run build && npm run bench:realtime            # bash wrapper: raises `ulimit -n`
 *   BENCH_SUBSCRIBERS=1000 BENCH_CHANGES=50 npm run bench:realtime
 *   BENCH_TRANSPORTS=ws npm run bench:realtime          # one transport (ws, uws, baseline, baseline-uws)
 *
 * This process is the load generator only. Each server is the built app (`node
 * dist/bootstrap/main.js`, fresh per transport so memory starts from the same state; in-memory
 * adapters, RATE_LIMIT_ENABLED=false) in its own process; with `taskset` the server runs on core
 * 1 and this process on core 0. Per transport: a shopper and an order are created over HTTP;
 * half the subscribers open the order's order-status channel with the owner's token (offered as
 * the `bearer.<token>` subprotocol), half the stock channel following one product; each must get
 * `ready`. Then this process sends ONE order-status change and ONE stock change (admin, HTTP) at
 * the same moment: latency is from sending the trigger to each client's receipt (same process,
 * same clock). Then BENCH_CHANGES (20) stock changes back to back, BENCH_IN_FLIGHT (4) requests at
 * a time: messages received per second over every stock subscriber, from the first request sent
 * to the last receipt. Memory per connection is the server's VmRSS after connecting minus
 * before, divided by the subscribers. Connections spread over BENCH_SOURCE_ADDRESSES loopback
 * addresses (127.0.0.1, .2, ...) so no one source address runs out of ephemeral ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { RawWebSocket, typeOfBytes } from './raw-websocket.js';
import {
  parseCpuTicks,
  parseRssKiB,
  summarize,
  table,
  verdicts,
  type LatencySummary,
  type TargetResult,
} from './realtime-report.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 20);
/** Change requests the throughput phase keeps in flight (1: each waits for the previous answer). */
const IN_FLIGHT = Math.max(1, Number(process.env.BENCH_IN_FLIGHT ?? 4));
const SOURCES = Math.max(1, Math.min(250, Number(process.env.BENCH_SOURCE_ADDRESSES ?? 4)));
const TARGETS = (process.env.BENCH_TRANSPORTS ?? 'ws,uws,baseline,baseline-uws')
  .split(',')
  .map((s) => s.trim());
const CONNECT_CONCURRENCY = 200;
const CONNECT_TIMEOUT_MS = 30_000;
const DELIVERY_TIMEOUT_MS = 60_000;
const ADMIN_EMAIL = 'bench-admin@amourflorals.local';
const ADMIN_PASSWORD = `Bench-${randomBytes(18).toString('base64url')}`;
const PROTOCOL = 'amour.realtime.v1';
/**
 * How the load generator reads: `raw` (default) — raw `net` sockets and a hand-written frame
 * reader (bench/raw-websocket.ts), cheap enough that 10,000 subscribers on one core do not cap
 * the numbers; `ws` — the `ws` client library, as the first runs measured (to compare: both must
 * count the same deliveries and closes).
 */
const READER = process.env.BENCH_READER === 'ws' ? 'ws' : 'raw';

const taskset = spawnSync('taskset', ['--version']).status === 0 && cpus().length >= 2;
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- processes

/**
 * A free port BELOW the ephemeral range: 10,000 client connections of a previous target leave
 * their ephemeral ports in use (TIME_WAIT), and a port the OS hands out for `listen(0)` can be one
 * of them — uWebSockets.js then fails to listen on it when the server starts.
 */
async function freePort(): Promise<number> {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  const top = Number.isFinite(low) && low > 12_000 ? low : 32_768;
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (top - 10_000));
    const free = await new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
    if (free) return port;
  }
}

/** Starts `node <entry>` on core 1 (when taskset exists); its stderr is kept for error reports. */
function startProcess(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; log: () => string } {
  // BENCH_CPU_PROF_DIR: each server writes a V8 CPU profile there when it exits (profiling runs).
  const profile = process.env.BENCH_CPU_PROF_DIR;
  const node = [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profile)}`] : []), entry, ...args];
  const command = taskset ? 'taskset' : process.execPath;
  const argv = taskset ? ['-c', '1', process.execPath, ...node] : node;
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, log: () => log };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

function rssKiB(pid: number): number {
  return parseRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8')) ?? Number.NaN;
}

function cpuSeconds(pid: number): number | null {
  const ticks = parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return ticks === null ? null : ticks / clockTicks;
}

// ---------------------------------------------------------------- subscribers

interface Subscriber {
  readonly ws: { terminate(): void };
  readonly kind: 'order' | 'stock';
  seen: boolean;
  closingByUs: boolean;
}

/** `payload`: the message's bytes (decode only when needed: the reader's cost is measured too). */
type Listener = (sub: Subscriber, type: string, payload: Buffer, at: number) => void;
let listener: Listener = () => undefined;
const closedByServer: Record<string, number> = {};

interface Spec {
  readonly url: string;
  readonly kind: 'order' | 'stock';
  readonly protocols?: string[];
  /** `ready`: wait for the protocol's ready message; `open`: the bare baseline has none. */
  readonly until: 'ready' | 'open';
}

function open(spec: Spec, index: number): Promise<Subscriber> {
  return new Promise((done, fail) => {
    let settled = false;
    const timer = setTimeout(() => settle(new Error('no ready in time')), CONNECT_TIMEOUT_MS);
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === undefined) done(sub);
      else {
        sub.closingByUs = true;
        sub.ws.terminate();
        fail(error);
      }
    };
    const opened = () => {
      if (spec.until === 'open') settle();
    };
    const message = (payload: Buffer, at: number) => {
      const type = typeOfBytes(payload);
      if (type === 'ready' || type === 'resync') settle();
      else listener(sub, type, payload, at);
    };
    const closed = (code: number) => {
      if (!sub.closingByUs) closedByServer[code] = (closedByServer[code] ?? 0) + 1;
      settle(new Error(`closed ${code} before ready`));
    };
    const localAddress = `127.0.0.${1 + (index % SOURCES)}`;
    let sub: Subscriber;
    if (READER === 'raw') {
      const url = new URL(spec.url);
      const raw = new RawWebSocket(
        {
          host: url.hostname,
          port: Number(url.port),
          path: `${url.pathname}${url.search}`,
          ...(spec.protocols === undefined ? {} : { protocols: spec.protocols }),
          localAddress,
        },
        { open: opened, message, close: closed, error: (error) => settle(error) },
      );
      sub = { ws: raw, kind: spec.kind, seen: false, closingByUs: false };
    } else {
      const ws = new WebSocket(spec.url, spec.protocols ?? [], {
        perMessageDeflate: false,
        localAddress,
        handshakeTimeout: CONNECT_TIMEOUT_MS,
      });
      sub = { ws, kind: spec.kind, seen: false, closingByUs: false };
      ws.on('open', opened);
      ws.on('message', (raw: Buffer) => message(raw, performance.now()));
      ws.on('error', (error) => settle(error));
      ws.on('close', closed);
    }
  });
}

async function openAll(
  specs: readonly Spec[],
): Promise<{ subs: Subscriber[]; seconds: number; firstError?: string }> {
  const subs: Subscriber[] = [];
  let next = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, specs.length) }, async () => {
      while (next < specs.length) {
        const i = next++;
        try {
          subs.push(await open(specs[i]!, i));
        } catch (error) {
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return { subs, seconds: (performance.now() - started) / 1000, ...(firstError ? { firstError } : {}) };
}

function closeAll(subs: readonly Subscriber[]): void {
  for (const sub of subs) {
    sub.closingByUs = true;
    sub.ws.terminate();
  }
}

/** Resolves when `count()` reaches `expected`, or after the timeout (whatever arrived). */
function until(count: () => number, expected: number, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<void> {
  return new Promise((done) => {
    const started = Date.now();
    const check = () => {
      if (count() >= expected || Date.now() - started > timeoutMs) done();
      else setTimeout(check, 5);
    };
    check();
  });
}

// ---------------------------------------------------------------- the app over HTTP

class Api {
  constructor(private readonly base: string) {}
  async call<T = unknown>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

async function startApp(): Promise<{
  child: ChildProcess;
  api: Api;
  port: number;
  uwsPort: number;
  log: () => string;
}> {
  const [port, uwsPort] = [await freePort(), await freePort()];
  const scratch = mkdtempSync(join(tmpdir(), 'af-bench-realtime-'));
  const entry = resolve('dist/bootstrap/main.js');
  const { child, log } = startProcess(entry, [], {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    // Production refuses to start without a real card gateway; the bench takes no payments.
    CARD_PAYMENTS_ENABLED: 'false',
    JWT_SECRET: randomBytes(32).toString('hex'),
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    REALTIME_UWS_PORT: String(uwsPort),
    RATE_LIMIT_ENABLED: 'false',
    BCRYPT_ROUNDS: '4',
    MAIL_OUTBOX_DIR: join(scratch, 'outbox'),
    SMS_OUTBOX_DIR: join(scratch, 'sms'),
    UPLOADS_DIR: join(scratch, 'uploads'),
  });
  const api = new Api(`http://127.0.0.1:${port}/api`);
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}: ${log()}`);
    if (Date.now() - started > 30_000) throw new Error(`the server did not answer in 30 s: ${log()}`);
    try {
      await api.call('GET', '/health');
      break;
    } catch {
      await sleep(100);
    }
  }
  return { child, api, port, uwsPort, log };
}

// ---------------------------------------------------------------- one target

interface Fixture {
  readonly orderId: string;
  readonly productId: string;
  readonly shopperToken: string;
  readonly adminToken: string;
}

async function fixture(api: Api): Promise<Fixture> {
  const { token: adminToken } = await api.call<{ token: string }>('POST', '/auth/login', undefined, {
    email: ADMIN_EMAIL,
    password: ADMIN_PASSWORD,
  });
  const shopper = await api.call<{ token: string }>('POST', '/auth/register', undefined, {
    fullName: 'Bench Shopper',
    email: `bench-${randomBytes(4).toString('hex')}@example.com`,
    password: 'bench-pass-1',
    phone: '',
    birthday: '',
  });
  const products = await api.call<{ data: { products: Array<{ _id: string }> } }>('GET', '/products?limit=2');
  const productIds = products.data.products.map((p) => p._id);
  const [orderedId, productId] = [productIds[0]!, productIds[1] ?? productIds[0]!];
  await api.call('PUT', `/products/${orderedId}/stock`, adminToken, { set: 1_000_000 });
  if (productId !== orderedId)
    await api.call('PUT', `/products/${productId}/stock`, adminToken, { set: 1_000_000 });
  const order = await api.call<{ data: { order: { _id: string } } }>('POST', '/orders', shopper.token, {
    items: [{ product: orderedId, quantity: 1 }],
    shippingAddress: {
      fullName: 'Asha Rao',
      street: '1 MG Road',
      city: 'Pune',
      state: 'MH',
      zipCode: '411001',
      country: 'India',
      phone: '+91 98765 43210',
    },
  });
  return {
    orderId: order.data.order._id,
    productId,
    shopperToken: shopper.token,
    adminToken,
  };
}

let capturedStockMessage: string | undefined;

async function measure(
  name: string,
  pid: number,
  specs: readonly Spec[],
  triggers: { order?: () => Promise<unknown>; stock: () => Promise<unknown> },
): Promise<TargetResult> {
  for (const key of Object.keys(closedByServer)) delete closedByServer[key];
  const orderCount = specs.filter((s) => s.kind === 'order').length;
  const stockCount = specs.length - orderCount;
  // Warm up: one subscriber opens and leaves, so lazy set-up is not counted as per-connection memory.
  const warm = await openAll(specs.slice(0, 1).concat(specs.slice(-1)));
  if (warm.firstError !== undefined) throw new Error(`${name}: warm-up subscriber: ${warm.firstError}`);
  closeAll(warm.subs);
  await sleep(1000);
  const before = rssKiB(pid);

  process.stdout.write(`${name}: opening ${specs.length} subscribers... `);
  const opened = await openAll(specs);
  console.log(
    `${opened.subs.length} ready in ${opened.seconds.toFixed(1)} s${opened.firstError ? ` (first failure: ${opened.firstError})` : ''}`,
  );
  await sleep(1000);
  const after = rssKiB(pid);
  const orderSubs = opened.subs.filter((s) => s.kind === 'order').length;
  const stockSubs = opened.subs.length - orderSubs;

  // Latency: one order-status change and one stock change, sent at the same moment.
  const orderLatencies: number[] = [];
  const stockLatencies: number[] = [];
  const t0 = { order: 0, stock: 0 };
  listener = (sub, type, payload, at) => {
    if (sub.seen) return;
    if (sub.kind === 'order' && type === 'order.status') {
      sub.seen = true;
      orderLatencies.push(at - t0.order);
    } else if (sub.kind === 'stock' && type === 'stock.changed') {
      sub.seen = true;
      capturedStockMessage ??= payload.toString('utf8');
      stockLatencies.push(at - t0.stock);
    }
  };
  const sent: Array<Promise<unknown>> = [];
  if (triggers.order !== undefined) {
    t0.order = performance.now();
    sent.push(triggers.order());
  }
  t0.stock = performance.now();
  sent.push(triggers.stock());
  await Promise.all(sent);
  await until(() => orderLatencies.length + stockLatencies.length, orderSubs + stockSubs);
  const order: LatencySummary | undefined =
    triggers.order === undefined ? undefined : summarize(orderLatencies, orderCount);
  const stock = summarize(stockLatencies, stockCount);
  const all = summarize([...orderLatencies, ...stockLatencies], specs.length);

  // Throughput: CHANGES stock changes back to back.
  let received = 0;
  let last = 0;
  listener = (sub, type, _payload, at) => {
    if (sub.kind === 'stock' && type === 'stock.changed') {
      received += 1;
      last = at;
    }
  };
  const cpuBefore = cpuSeconds(pid);
  const loadBefore = process.cpuUsage();
  const started = performance.now();
  // Back to back: IN_FLIGHT change requests at a time, each sent as soon as one is answered.
  let sentChanges = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, CHANGES) }, async () => {
      while (sentChanges < CHANGES) {
        sentChanges += 1;
        await triggers.stock().catch((error: unknown) => {
          refused += 1;
          if (refused === 1) console.warn(`a change was refused: ${String(error).slice(0, 200)}`);
        });
      }
    }),
  );
  await until(() => received, stockSubs * (CHANGES - refused));
  const cpuAfter = cpuSeconds(pid);
  const load = process.cpuUsage(loadBefore);
  const seconds = ((received === 0 ? performance.now() : last) - started) / 1000;
  listener = () => undefined;

  closeAll(opened.subs);
  return {
    name,
    subscribers: specs.length,
    connected: opened.subs.length,
    connectSeconds: opened.seconds,
    ...(order === undefined ? {} : { order }),
    stock,
    all,
    throughput: {
      changes: CHANGES - refused,
      received,
      expected: stockCount * (CHANGES - refused),
      seconds,
      messagesPerSecond: received / seconds,
      serverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      loadCpuSeconds: (load.user + load.system) / 1e6,
    },
    memoryKiBPerConnection: (after - before) / specs.length,
    closedByServer: { ...closedByServer },
  };
}

async function appTarget(transport: 'ws' | 'uws'): Promise<TargetResult> {
  const app = await startApp();
  try {
    const f = await fixture(app.api);
    const port = transport === 'ws' ? app.port : app.uwsPort;
    const base = `ws://127.0.0.1:${port}/api/realtime`;
    const half = Math.floor(SUBSCRIBERS / 2);
    const specs: Spec[] = Array.from({ length: SUBSCRIBERS }, (_, i) =>
      i % 2 === 0 && i / 2 < half
        ? {
            url: `${base}/order-status/${f.orderId}`,
            kind: 'order' as const,
            protocols: [PROTOCOL, `bearer.${f.shopperToken}`],
            until: 'ready' as const,
          }
        : {
            url: `${base}/stock-updates?products=${f.productId}`,
            kind: 'stock' as const,
            until: 'ready' as const,
          },
    );
    let adjust = 0;
    return await measure(transport === 'ws' ? 'ws' : 'uWebSockets.js', app.child.pid!, specs, {
      order: () =>
        app.api.call('PUT', `/admin/orders/${f.orderId}/status`, f.adminToken, { status: 'confirmed' }),
      stock: () =>
        app.api.call('PUT', `/products/${f.productId}/stock`, f.adminToken, {
          adjust: (adjust++ % 2) * 2 - 1,
        }),
    });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nserver log: ${app.log()}`, {
      cause: error,
    });
  } finally {
    await stopProcess(app.child);
  }
}

async function baselineTarget(library: 'ws' | 'uws' = 'ws'): Promise<TargetResult> {
  const port = await freePort();
  const { child, log } = startProcess(
    resolve('dist/bench/realtime-baseline-server.js'),
    [String(port), library],
    {
      PATH: process.env.PATH ?? '',
    },
  );
  try {
    const started = Date.now();
    while (!log().includes('listening')) {
      if (child.exitCode !== null || Date.now() - started > 10_000)
        throw new Error(`baseline server: ${log()}`);
      await sleep(50);
    }
    const message =
      capturedStockMessage ??
      JSON.stringify({
        type: 'stock.changed',
        id: 1,
        data: {
          productId: '0'.repeat(24),
          stock: 999_999,
          isAvailable: true,
          inStock: true,
          at: new Date().toISOString(),
        },
      });
    // The first fetch of a process loads undici: not part of the first broadcast's latency.
    await (
      await fetch(`http://127.0.0.1:${port}/broadcast`, { method: 'POST', body: message })
    ).arrayBuffer();
    const specs: Spec[] = Array.from({ length: SUBSCRIBERS }, () => ({
      url: `ws://127.0.0.1:${port}/`,
      kind: 'stock' as const,
      until: 'open' as const,
    }));
    return await measure(library === 'ws' ? 'baseline' : 'baseline-uws', child.pid!, specs, {
      stock: async () => {
        const res = await fetch(`http://127.0.0.1:${port}/broadcast`, { method: 'POST', body: message });
        await res.arrayBuffer();
      },
    });
  } finally {
    await stopProcess(child);
  }
}

// ---------------------------------------------------------------- main

function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? Number.NaN);
}

async function main(): Promise<void> {
  if (
    !existsSync(resolve('dist/bootstrap/main.js')) ||
    !existsSync(resolve('dist/bench/realtime-baseline-server.js'))
  ) {
    throw new Error('run `npm run build` first: the bench starts the built server (dist/)');
  }
  const fds = openFilesLimit();
  if (fds < SUBSCRIBERS + 1000) {
    console.warn(
      `open files limit ${fds} is below ${SUBSCRIBERS + 1000}: run through \`npm run bench:realtime\` (raises it) or lower BENCH_SUBSCRIBERS`,
    );
  }
  if (taskset) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });

  const results: Partial<Record<'ws' | 'uws' | 'baseline' | 'baseline-uws', TargetResult>> = {};
  const failures: string[] = [];
  for (const target of ['ws', 'uws', 'baseline', 'baseline-uws'] as const) {
    if (!TARGETS.includes(target)) continue;
    try {
      results[target] =
        target === 'baseline'
          ? await baselineTarget('ws')
          : target === 'baseline-uws'
            ? await baselineTarget('uws')
            : await appTarget(target);
    } catch (error) {
      failures.push(`${target}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await sleep(2000);
  }

  console.log(
    `\n${SUBSCRIBERS} subscribers (app: ${Math.floor(SUBSCRIBERS / 2)} on one order's order-status channel, ` +
      `${SUBSCRIBERS - Math.floor(SUBSCRIBERS / 2)} on the stock channel following one product; baseline: all get every broadcast), ` +
      `${CHANGES} back-to-back changes (${IN_FLIGHT} in flight) in the throughput phase, Node ${process.version}, ${cpus().length} cores ` +
      `(${cpus()[0]?.model ?? '?'}), ${taskset ? 'server on core 1, load generator on core 0' : 'no taskset: not pinned'}, ` +
      `${READER === 'raw' ? 'raw-socket reader' : 'ws-client reader'}, open files limit ${fds}, load average at the end ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  for (const line of table(results.baseline, results.ws, results.uws)) console.log(line);
  const bareUws = results['baseline-uws'];
  if (bareUws !== undefined) {
    // The uWS library's own ceiling here, beside the bare ws one: what the transports could reach.
    const t = bareUws.throughput;
    const bareWs = results.baseline?.throughput.messagesPerSecond;
    console.log(
      `\nbare uWebSockets.js baseline: all ${bareUws.all.received}/${bareUws.all.expected}, p50 / p99 / max ` +
        `${bareUws.all.p50.toFixed(0)} / ${bareUws.all.p99.toFixed(0)} / ${bareUws.all.max.toFixed(0)} ms, ` +
        `${t.messagesPerSecond.toFixed(0)} messages/s` +
        (t.serverCpuSeconds
          ? `, ${(t.received / t.serverCpuSeconds).toFixed(0)} per server CPU-second`
          : '') +
        (bareWs ? `; bare uWS / bare ws: ${(t.messagesPerSecond / bareWs).toFixed(2)}x messages/s` : ''),
    );
  }
  if (results.ws !== undefined) {
    console.log('');
    for (const line of verdicts(results.ws, results.uws)) console.log(line);
  }
  for (const failure of failures) console.log(`\nnot measured: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
