import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import {
  AUDIT_LOG,
  AUDIT_RESOURCES,
  type AuditEntry,
  type AuditLog,
} from '../../../application/identity/ports.js';
import { inAdminScope, MUTATION_METHODS } from '../../../adapters/http/admin/audit.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { aProduct, testId } from '../../support/kit.js';

/** The issue: admin operations outside /api/admin (products, stock, promos, moderation, refunds, ...) were not audited. */
describe('http/admin: every admin mutation is audited with its resource', () => {
  let t: TestApp;
  let log: AuditLog;
  let adminId: string;

  before(async () => {
    t = await buildTestApp();
    log = t.container.get<AuditLog>(AUDIT_LOG);
    const token = await loginAdmin(t);
    adminId = (await t.request({ method: 'GET', url: '/api/auth/me', token })).json().user._id;
  });
  after(async () => t.close());

  let n = 0;
  /**
   * Not admin operations, and not auditable as the admin: logout revokes the token before the
   * answer, so the hook (which runs after it) can no longer tell who sent it.
   */
  const EXEMPT = new Set(['POST /api/auth/logout']);

  /** The entries with this User-Agent, once the after-response hook has written them. */
  async function entriesOf(ua: string, expectSome: boolean): Promise<AuditEntry[]> {
    for (let attempt = 0; ; attempt += 1) {
      const { items } = await log.list(1, 1000);
      const found = items.filter((e: AuditEntry) => e.userAgent === ua);
      if (found.length > 0 || attempt >= (expectSome ? 200 : 5)) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends one request with a unique User-Agent; answers it and the audit entries it left. */
  async function send(method: string, url: string, token: string, body: unknown = {}, expectSome = true) {
    n += 1;
    const ua = `mutation-audit-${n}-${Math.random().toString(16).slice(2)}`;
    const res = await t.app.inject({
      method: method as 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'user-agent': ua },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { res, entries: await entriesOf(ua, expectSome) };
  }

  it('walks every registered mutation route outside /api/admin: an admin request leaves one entry naming a resource', async () => {
    const routes = t.app.registeredRoutes.filter(
      (r) =>
        MUTATION_METHODS.has(r.method) &&
        r.url.startsWith('/api/') &&
        !inAdminScope(r.url) &&
        !EXEMPT.has(`${r.method} ${r.url}`),
    );
    expect(routes.length, 'the walk found the routes').to.be.greaterThan(30);
    const missing: string[] = [];
    for (const route of routes) {
      const url = route.url.replace(/:[A-Za-z]+/g, () => testId());
      const { res, entries } = await send(route.method, url, await loginAdmin(t));
      const name = `${route.method} ${route.url} (${res.statusCode})`;
      expect(res.statusCode, `${name}: never a 500`).to.be.below(500);
      if (entries.length !== 1) {
        missing.push(`${name}: ${entries.length} entries`);
        continue;
      }
      const entry = entries[0]!;
      if (entry.resource === 'system' || !(AUDIT_RESOURCES as readonly string[]).includes(entry.resource)) {
        missing.push(`${name}: resource ${entry.resource}`);
      }
      expect(entry).to.deep.include({ userId: adminId, success: res.statusCode < 400 });
      expect(entry.details).to.include({ method: route.method, endpoint: url, statusCode: res.statusCode });
    }
    expect(missing, 'add config.audit.resource to the route or its path to RESOURCE_BY_PATH').to.deep.equal(
      [],
    );
  });

  it('records a successful admin operation with its resource and id; a shopper mutation and an admin read are not', async () => {
    const product = await t.container
      .get<ProductRepository>(PRODUCT_REPOSITORY)
      .create(aProduct({ name: 'Audited Roses' }));
    const admin = await loginAdmin(t);
    const { res, entries } = await send('PUT', `/api/products/${product.id}`, admin, {
      name: 'Audited Lilies',
    });
    expect(res.statusCode).to.equal(200);
    expect(entries).to.have.length(1);
    expect(entries[0]).to.deep.include({
      userId: adminId,
      action: 'update',
      resource: 'product',
      resourceId: product.id,
      success: true,
      errorMessage: null,
    });

    const status = await send('PUT', `/api/orders/${testId()}/status`, admin, { status: 'shipped' });
    expect(status.entries[0]).to.deep.include({ action: 'status_change', resource: 'order', success: false });

    const shopper = await registerUser(t);
    const cart = await send('POST', '/api/cart', shopper.token, { productId: product.id }, false);
    expect(cart.res.statusCode).to.equal(200);
    expect(cart.entries, 'shoppers are not audited').to.deep.equal([]);
    const read = await send('GET', `/api/products/${product.id}`, admin, undefined, false);
    expect(read.res.statusCode).to.equal(200);
    expect(read.entries, 'reads outside /api/admin are not audited').to.deep.equal([]);
  });

  it('names review moderation under /api/admin as a review', async () => {
    const { entries } = await send('PUT', `/api/admin/reviews/${testId()}/status`, await loginAdmin(t), {
      status: 'approved',
    });
    expect(entries).to.have.length(1);
    expect(entries[0]!.resource).to.equal('review');
  });
});
