/**
 * Benchmarks of the embedded default: throughput and latency of the storefront's hot routes, and
 * process start-up time. Reports numbers and ratios; asserts nothing.
 *
 *   npm run bench                      # all scenarios, 5 s each
 *   BENCH_SECONDS=10 npm run bench     # longer runs
 *
 * Runs the server in this process on a loopback port with rate limits off (RATE_LIMIT_ENABLED
 * false), so it measures the service, not the limiter. Needs `npm run build` for the start-up
 * measurement (it starts dist/bootstrap/main.js).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { benchConfig } from './app-config.js';
import { createApplication } from '../bootstrap/app.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Row {
  scenario: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(
  url: string,
  scenario: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<Row> {
  const result = await autocannon({ url, connections, duration: seconds, ...options });
  return {
    scenario,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

async function startupMs(runs: number): Promise<number[]> {
  const entry = resolve('dist/bootstrap/main.js');
  if (!existsSync(entry)) return [];
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise<void>((done) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('"startupMs"')) done();
      });
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const config = benchConfig();
  const application = await createApplication(config);
  await application.app.listen({ port: 0, host: '127.0.0.1' });
  const address = application.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}/api`;

  const register = await fetch(`${base}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      fullName: 'Bench Shopper',
      email: 'bench@example.com',
      password: 'bench-pass',
      phone: '',
      birthday: '',
    }),
  });
  const { token } = (await register.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const products = (await (await fetch(`${base}/products?limit=5`)).json()) as {
    data: { products: Array<{ _id: string }> };
  };
  for (const p of products.data.products)
    await fetch(`${base}/wishlist/${p._id}`, { method: 'POST', headers: auth });

  const rows: Row[] = [];
  rows.push(await load(`${base}/health`, 'GET /api/health (baseline)'));
  rows.push(await load(`${base}/api/products/suggested`, 'GET /api/api/products/suggested (home page)'));
  rows.push(await load(`${base}/products?limit=12&sort=price-asc`, 'GET /api/products?limit=12 (listing)'));
  rows.push(
    await load(`${base}/api/wishlist`, 'GET /api/api/wishlist, 5 items (polled, compat 13)', {
      headers: auth,
    }),
  );
  rows.push(
    await load(`${base}/location/check-serviceable`, 'POST /api/location/check-serviceable', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ city: 'Pune' }),
    }),
  );
  await application.close();

  const baseline = rows[0]!.reqPerSec;
  console.log(`\n${connections} connections, ${seconds} s per scenario, Node ${process.version}\n`);
  console.log('| scenario | req/s | vs health | p50 ms | p99 ms | non-2xx |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.scenario} | ${r.reqPerSec} | ${(r.reqPerSec / baseline).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.non2xx} |`,
    );
  }
  const starts = await startupMs(5);
  if (starts.length) {
    console.log(
      `\nstart-up of dist/bootstrap/main.js to "listening" (5 runs): median ${Math.round(starts[2]!)} ms, min ${Math.round(starts[0]!)} ms, max ${Math.round(starts[4]!)} ms`,
    );
  } else {
    console.log('\nstart-up: run `npm run build` first to measure it');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
