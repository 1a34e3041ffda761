/**
 * A login flood against the embedded default, over real HTTP: how long a real shopper's login
 * takes alone, and while 80 parallel wrong logins arrive from another address; once with the
 * issue-8 protections as configured by default and once with them opened wide (what the service
 * did before). Reports numbers; asserts nothing.
 *
 *   npx tsx bench/login-flood.ts                  # bcrypt cost 10 (BENCH_BCRYPT_ROUNDS)
 *   BENCH_BCRYPT_ROUNDS=12 npx tsx bench/login-flood.ts
 *
 * Client addresses come from X-Forwarded-For (TRUST_PROXY=true), so one machine plays both.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../bootstrap/config.js';
import { createApplication } from '../bootstrap/app.js';

const rounds = process.env.BENCH_BCRYPT_ROUNDS ?? '10';
const FLOOD = 80;

async function scenario(name: string, env: Record<string, string>): Promise<void> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      BCRYPT_ROUNDS: rounds,
      TRUST_PROXY: 'true',
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
      PII_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      ADMIN_PASSWORD: 'bench-admin-pass',
      MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-bench-')),
      SEED_DEMO: 'false',
      ...env,
    },
    () => '',
  );
  const application = await createApplication(config);
  await application.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(application.app.server.address() as AddressInfo).port}/api/auth`;
  const post = (path: string, ip: string, body: object) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    });
  const shopper = { email: 'real.shopper@example.com', password: 'real-shopper-pass' };
  await post('/register', '10.0.0.2', { fullName: 'Real Shopper', ...shopper, phone: '', birthday: '' });

  const timedLogin = async () => {
    const started = performance.now();
    const res = await post('/login', '10.0.0.2', shopper);
    return { ms: performance.now() - started, status: res.status };
  };
  const alone = await timedLogin();
  const floodStarted = performance.now();
  const flood = Array.from({ length: FLOOD }, (_, i) =>
    post('/login', '10.0.0.1', { email: `flood${i}@example.com`, password: 'wrong-password' }).then(
      (r) => r.status,
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 20)); // the flood is in
  const during = await timedLogin();
  const statuses = await Promise.all(flood);
  const floodMs = performance.now() - floodStarted;
  await application.close();

  const count = (s: number) => statuses.filter((x) => x === s).length;
  console.log(
    `| ${name} | ${alone.ms.toFixed(0)} (${alone.status}) | ${during.ms.toFixed(0)} (${during.status}) | ` +
      `${(during.ms / alone.ms).toFixed(1)}x | ${floodMs.toFixed(0)} | ${count(400)} / ${count(429)} |`,
  );
}

console.log(
  `\nbcrypt cost ${rounds}, ${FLOOD} parallel wrong logins from one address, Node ${process.version}\n`,
);
console.log(
  '| setting | real login alone ms | real login during flood ms | ratio | flood done ms | flood 400 / 429 |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
await scenario('issue-8 defaults', {});
await scenario('unbounded (before)', { LOGIN_MAX_CONCURRENT_PER_IP: '1000', HASH_QUEUE_MAX: '100000' });
