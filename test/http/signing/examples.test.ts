import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';
import { root } from '../../architecture/source-graph.js';

const run = promisify(execFile);
const dir = join(root, 'docs', 'examples', 'signing');

/** The README's examples, each run as a user would, against a live server. */
const EXAMPLES = [
  { name: 'curl (bash + openssl)', command: 'bash', script: 'sign.sh' },
  { name: 'JavaScript (Node)', command: process.execPath, script: 'sign.mjs' },
  { name: 'Python (standard library)', command: 'python3', script: 'sign.py' },
] as const;

describe('README "Request signing": the curl, JavaScript and Python examples work', function () {
  this.timeout(60_000);
  let t: TestApp;
  let api: string;
  let tamperingProxy: Server;
  let viaProxy: string;
  let env: Record<string, string>;
  let productId: string;
  let products: ProductRepository;

  before(async () => {
    t = await buildTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const token = await loginAdmin(t);
    const key = (await t.request({ method: 'GET', url: '/api/auth/signing-key', token })).json().data.key;
    env = { TOKEN: token, SIGNING_KEY: key };
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    productId = (await t.request({ method: 'GET', url: '/api/admin/products?limit=1', token })).json().data
      .products[0]._id;
    // A man in the middle: forwards every request with its price changed, headers untouched.
    tamperingProxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks)
          .toString('utf8')
          .replace(/"price":\d+/, '"price":1');
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([name]) => !['host', 'content-length', 'connection'].includes(name),
          ),
        ) as Record<string, string>;
        fetch(`${api}${req.url}`, { method: req.method!, headers, ...(body ? { body } : {}) })
          .then(async (answer) => res.writeHead(answer.status).end(await answer.text()))
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise<void>((resolve) => tamperingProxy.listen(0, '127.0.0.1', resolve));
    viaProxy = `http://127.0.0.1:${(tamperingProxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    tamperingProxy?.close();
    await t?.close();
  });

  const send = async (example: (typeof EXAMPLES)[number], base: string, path: string, price: number) => {
    const body = JSON.stringify({ productIds: [productId], updates: { price } });
    const { stdout } = await run(
      example.command,
      [join(dir, example.script), 'PUT', path, body, 'X-Admin-Confirmation: confirmed'],
      { env: { ...process.env, ...env, API: base } },
    );
    const lines = stdout.trim().split('\n');
    return { status: Number(lines.at(-1)), body: JSON.parse(lines.slice(0, -1).join('\n')) };
  };
  const price = async () => (await products.findById(productId))!.price;

  it('the README shows each example file as it is', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const example of EXAMPLES) {
      expect(readme, example.script).to.include(readFileSync(join(dir, example.script), 'utf8'));
    }
  });

  EXAMPLES.forEach((example, i) => {
    it(`${example.name}: a signed bulk update answers 200 (also under /api/api); a tampered body 401`, async () => {
      const value = 200 + i;
      const ok = await send(example, api, '/api/admin/products/bulk-update', value);
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect(await price()).to.equal(value * 100);
      const alias = await send(example, api, '/api/api/admin/products/bulk-update', value + 10);
      expect(alias.status, JSON.stringify(alias.body)).to.equal(200);
      expect(await price()).to.equal((value + 10) * 100);
      const tampered = await send(example, viaProxy, '/api/admin/products/bulk-update', value + 20);
      expect(tampered.status).to.equal(401);
      expect(tampered.body.code).to.equal('SIGNATURE_INVALID');
      expect(await price()).to.equal((value + 10) * 100);
    });
  });
});
