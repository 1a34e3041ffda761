import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { npmStartArgs } from '../../bench/start-command.js';
import { registerRecorder } from '../support/module-recorder.js';
import { BUNDLE_DIR, bundleOptions, nonAsciiPlaces } from '../../scripts/bundle.js';
import { TEST_PROCESS_ENV } from '../support/pii.js';

/**
 * `npm start` runs the esbuild bundle (scripts/bundle.ts), not the tsc output the other tests run.
 * This starts it as `npm start` does (package.json's start script: node, its flags, the entry) and
 * asks it what a shopper and an operator ask first, so a bundle that builds but breaks at run time
 * (a package reading files beside itself, a `require` the ESM bundle lacks, an adapter chunk
 * loaded eagerly) fails here.
 *
 * Compiled (`npm run test:dist`, right after `npm run build`) it starts dist/bundle itself; under
 * tsx it bundles the current sources first, into var/ (inside the package: bootstrap finds its
 * templates from package.json above the code), so a stale dist cannot pass for the sources.
 */

const ADMIN = { email: 'bundle-admin@example.com', password: 'Heron-Lantern-Quiet-58' };

describe('npm start: the bundle (dist/bundle/main.js) starts and answers', function () {
  this.timeout(90_000);
  const root = new URL(import.meta.url.endsWith('.js') ? '../../../' : '../../', import.meta.url).pathname;
  let dir: string;
  let bundleDir: string | null = null;
  let child: ChildProcess | undefined;
  let origin = '';
  let log = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'af-start-bundle-'));
    const args = npmStartArgs(root);
    if (!import.meta.url.endsWith('.js')) {
      bundleDir = join(root, 'var', `test-bundle-${process.pid}`);
      await build({ ...bundleOptions(root), outdir: bundleDir, logLevel: 'error' });
      args[args.length - 1] = join(bundleDir, relative(join(root, BUNDLE_DIR), args.at(-1)!));
    }
    expect(existsSync(args.at(-1)!), `${args.at(-1)} (run npm run build)`).to.equal(true);
    const record = `data:text/javascript,${encodeURIComponent(registerRecorder(join(dir, 'esm.log')))}`;
    child = spawn(process.execPath, ['--import', record, ...args], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        ...TEST_PROCESS_ENV,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: '0',
        HOST: '127.0.0.1',
        SEED_DEMO: 'true',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        BCRYPT_ROUNDS: '4',
        MAIL_OUTBOX_DIR: join(dir, 'outbox'),
        SMS_OUTBOX_DIR: join(dir, 'sms'),
        UPLOADS_DIR: join(dir, 'uploads'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        log += line + '\n';
        const match = /"port":(\d+).*listening on port/.exec(line);
        if (match) resolve(Number(match[1]));
      });
      child!.once('exit', (code) =>
        reject(new Error(`the bundle exited (${code}) before listening:\n${log}`)),
      );
    });
    origin = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  // First, right after listening: the admin account is created after listening, and the login waits for it.
  it('signs the configured admin in as soon as it listens', async () => {
    const login = await fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status, await login.clone().text()).to.equal(200);
    expect(((await login.json()) as { data: { user: { role: string } } }).data.user.role).to.equal('admin');
  });

  it('serves the catalog, health, the OpenAPI document and the Swagger UI assets', async () => {
    const products = await fetch(`${origin}/api/products?limit=2`);
    expect(products.status).to.equal(200);
    expect(((await products.json()) as { data: { products: unknown[] } }).data.products).to.have.length(2);
    expect((await fetch(`${origin}/api/health`)).status).to.equal(200);
    const openapi = (await (await fetch(`${origin}/api/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(openapi.paths)).to.include('/api/products');
    // @fastify/swagger-ui serves files from beside its own code: left out of the bundle for that.
    const css = await fetch(`${origin}/api/docs/static/swagger-ui.css`);
    expect(css.status).to.equal(200);
    expect((await css.text()).length).to.be.greaterThan(1000);
  });

  it('signs in (password hashing in its worker)', async () => {
    const email = `bundle-${Date.now()}@example.com`;
    const registered = await fetch(`${origin}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fullName: 'Bundle Shopper', email, password: 'Tulip-Meadow-Quiet-42' }),
    });
    expect(registered.status, await registered.clone().text()).to.equal(201);
    const login = await fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Tulip-Meadow-Quiet-42' }),
    });
    expect(login.status).to.equal(200);
    expect(((await login.json()) as { token?: string }).token).to.be.a('string');
  });

  it('is ASCII only (V8 holds a script with one other character at two bytes per character)', () => {
    const out = bundleDir ?? join(root, BUNDLE_DIR);
    const files = readdirSync(out).filter((f) => f.endsWith('.js'));
    expect(files.length).to.be.greaterThan(1);
    expect(
      nonAsciiPlaces(Object.fromEntries(files.map((f) => [f, readFileSync(join(out, f), 'utf8')]))),
    ).to.deep.equal([]);
    expect(nonAsciiPlaces({ 'x.js': 'const re = /[\u00e0]/; // é' })).to.have.length(1);
  });

  it('loads none of the SDKs the embedded default does not use, and typebox from the bundle', () => {
    const loaded = readFileSync(join(dir, 'esm.log'), 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => new URL(url).pathname);
    // The probe sees packages left to node_modules (pino is one) ...
    expect(loaded.some((m) => m.includes('/node_modules/pino/'))).to.equal(true);
    // ... and typebox, inversify and fastify are inside the bundle, not loaded module by module.
    expect(
      loaded.filter((m) => /\/node_modules\/(typebox|inversify|@inversifyjs|fastify)\//.test(m)),
    ).to.deep.equal([]);
    const heavy =
      /\/node_modules\/(mongoose|mongodb|ioredis|cloudinary|razorpay|twilio|bullmq|nodemailer|stripe|web-push|@opentelemetry)\//;
    expect([...new Set(loaded.filter((m) => heavy.test(m)).map((m) => m.match(heavy)![1]))]).to.deep.equal(
      [],
    );
  });
});
