import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { repositoryRoot } from '../../adapters/http/admin/page.js';
import type { DashboardT } from '../../adapters/http/analytics/dashboard-schema.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  buildTestApp,
  loginAdmin,
  registerUser,
  type TestApp,
} from '../support/harness.js';
import { ADDRESS } from '../support/kit.js';

/**
 * The admin page (/admin/) in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser) against the app on the embedded default, over real HTTP. No console error,
 * no failed request and no answer >= 400 may happen along the way. Without Chromium the suite
 * skips, loudly; under REQUIRE_SERVICES=1 (CI, whose .ci/run installs it) it fails instead.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(repositoryRoot(), 'var', 'screenshots');
const CHARTS = ['chart-series', 'chart-occasion', 'chart-payment', 'chart-city'];
const TOTALS = [
  'netRevenue',
  'orders',
  'averageOrderValue',
  'repeatCustomerRate',
  'conversionPerView',
  'conversionPerCart',
  'cartAbandonmentRate',
] as const;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

describe('browser: the admin dashboard page at /admin/', function () {
  this.timeout(120_000);
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const seeded: { orderNumber: string; status: string }[] = [];
  let lowStockName = '';
  let shopper: { email: string; password: string };

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const why = `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH, or apt-get install chromium)`;
      if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${why} and REQUIRE_SERVICES=1`);
      console.warn(`\n  !! SKIPPED the admin dashboard browser test: ${why}\n`);
      this.skip();
    }
    t = await buildTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
    await seed();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // This browser's calendar is two days behind the shop's: the default range must be the shop's
    // "last 30 days" (the server's, in its timezone), or the orders placed today would be left out
    // (as they were whenever the shop's date had passed the browser's, e.g. after 18:30 UTC in India).
    await page.clock.setFixedTime(new Date(Date.now() - 2 * 24 * 3600 * 1000));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Three orders from two shoppers (one delivered, one confirmed, one cancelled), one product low on stock. */
  async function seed(): Promise<void> {
    const admin = await loginAdmin(t);
    const listed = await t.request({ method: 'GET', url: '/api/products?limit=50' });
    const products = (
      listed.json().data.products as {
        _id: string;
        name: string;
        inStock: boolean;
        inventory: { stock: number; isAvailable: boolean };
      }[]
    ).filter((p) => p.inStock && p.inventory.isAvailable && p.inventory.stock >= 10);
    expect(products.length).to.be.at.least(3);
    const [a, b, low] = products as [(typeof products)[0], (typeof products)[0], (typeof products)[0]];
    const first = await registerUser(t, { password: 'shopper-pass-1' });
    const second = await registerUser(t);
    shopper = { email: first.user.email, password: first.password };
    const plan: { token: string; product: string; path: string[] }[] = [
      { token: first.token, product: a._id, path: ['confirmed', 'processing', 'shipped', 'delivered'] },
      { token: first.token, product: b._id, path: ['confirmed'] },
      { token: second.token, product: a._id, path: ['cancelled'] },
    ];
    for (const step of plan) {
      const placed = await t.request({
        method: 'POST',
        url: '/api/orders',
        token: step.token,
        body: { items: [{ product: step.product, quantity: 2 }], shippingAddress: ADDRESS },
      });
      expect(placed.statusCode, `${plan.indexOf(step)} ${placed.body}`).to.equal(201);
      const order = placed.json().data;
      for (const status of step.path) {
        const moved = await t.request({
          method: 'PUT',
          url: `/api/admin/orders/${order._id}/status`,
          token: admin,
          body: { status },
        });
        expect(moved.statusCode, moved.body).to.equal(200);
      }
      seeded.push({ orderNumber: order.orderNumber, status: step.path.at(-1)! });
    }
    const stock = await t.request({
      method: 'PUT',
      url: `/api/products/${low._id}/stock`,
      token: admin,
      body: { set: 1, reason: 'browser test: low stock' },
    });
    expect(stock.statusCode, stock.body).to.equal(200);
    lowStockName = low.name;
  }

  const dashboardAnswer = () =>
    page.waitForResponse(
      (r: Response) => r.url().includes('/api/analytics/dashboard?') && r.status() === 200,
    );

  async function expectTotalsShown(data: DashboardT): Promise<void> {
    for (const key of TOTALS) {
      const card = page.locator(`[data-total="${key}"]`);
      expect(await card.getAttribute('data-value'), key).to.equal(String(data.totals[key]));
      expect((await card.textContent())?.trim(), key).to.match(/\d/);
    }
  }

  it('refuses a customer with a clear message, keeping the dashboard hidden', async () => {
    await page.goto(`${base}/admin/`);
    await page.getByLabel('Email', { exact: true }).fill(shopper.email);
    await page.getByLabel('Password', { exact: true }).fill(shopper.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not an administrator' }).waitFor();
    expect(await page.locator('#dashboard').isVisible()).to.equal(false);
    expect(await page.evaluate('sessionStorage.length')).to.equal(0);
  });

  it('signs an admin in and shows the figures of the seeded orders, charts drawn', async () => {
    await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    const answered = dashboardAnswer();
    await page.getByRole('button', { name: 'Sign in' }).click();
    const data = ((await (await answered).json()) as { data: DashboardT }).data;
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.locator('[data-total="orders"][data-value]').waitFor();
    await expectTotalsShown(data);
    // The two orders still standing were placed today: the default range (the last 30 days) has them.
    expect(data.totals.orders).to.be.at.least(2);
    expect(data.totals.netRevenue).to.be.greaterThan(0);

    const latest = await page.locator('#latest-orders tbody').innerText();
    for (const order of seeded) {
      expect(latest).to.contain(order.orderNumber);
      const row = page.locator('#latest-orders tbody tr', { hasText: order.orderNumber });
      expect((await row.locator('.status').innerText()).trim()).to.equal(order.status);
    }
    expect(await page.locator('#low-stock tbody').innerText()).to.contain(lowStockName);

    for (const id of CHARTS) {
      // Runs in the page (no DOM types here): how many of the canvas's pixels are painted.
      const drawn = await page.evaluate(`(() => {
        const canvas = document.getElementById(${JSON.stringify(id)});
        const context = canvas.getContext('2d');
        if (!context || canvas.width === 0 || canvas.height === 0) return 0;
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
        return painted;
      })()`);
      expect(drawn, `${id} painted pixels`).to.be.greaterThan(100);
    }
  });

  it('reloads the figures when the date range changes', async () => {
    const before = await page.locator('#range-shown').innerText();
    const now = Date.now();
    const from = isoDay(now - 3 * DAY);
    const to = isoDay(now + 2 * DAY); // beyond today in any timezone
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.getByLabel('Granularity', { exact: true }).selectOption('week');
    const answered = dashboardAnswer();
    await page.getByRole('button', { name: 'Apply' }).click();
    const response = await answered;
    const query = new URL(response.url()).searchParams;
    expect([query.get('from'), query.get('to'), query.get('granularity')]).to.deep.equal([from, to, 'week']);
    const data = ((await response.json()) as { data: DashboardT }).data;
    await page.locator('#range-shown', { hasNotText: before }).waitFor();
    expect(await page.locator('#range-shown').innerText()).to.contain('week');
    await expectTotalsShown(data);
    expect(data.totals.orders).to.be.at.least(2);
  });

  it('refuses a range that ends before it starts on the page, without calling the API', async () => {
    let calls = 0;
    const count = (r: { url(): string }) => {
      if (r.url().includes('/api/analytics/dashboard')) calls += 1;
    };
    page.on('request', count);
    const now = Date.now();
    await page.getByLabel('From', { exact: true }).fill(isoDay(now));
    await page.getByLabel('To', { exact: true }).fill(isoDay(now - 5 * DAY));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('alert').filter({ hasText: 'start date on or before the end date' }).waitFor();
    page.off('request', count);
    expect(calls).to.equal(0);
  });

  it('keeps the session in sessionStorage across a reload, and fits a narrow screen', async () => {
    const answered = dashboardAnswer();
    await page.reload();
    await answered;
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.locator('#sign-in').isVisible()).to.equal(false);

    await page.setViewportSize({ width: 375, height: 800 });
    // Chart.js resizes its canvases on a ResizeObserver callback, a frame or two after the
    // viewport changes: give the layout up to 10 s to settle, then measure (still fails if it never
    // fits). Polled from here with page.evaluate (DevTools, not the page's eval, which the page's
    // CSP refuses: page.waitForFunction with a string failed that way, then measured at once).
    const overflowNow = async () =>
      Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    let overflow = await overflowNow();
    for (let i = 0; i < 100 && overflow > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      overflow = await overflowNow();
    }
    expect(overflow, 'horizontal overflow on a narrow screen (px)').to.be.at.most(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, 'admin-dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).to.be.greaterThan(10_000);
  });

  it('signs out: the token is revoked and gone, the sign-in form is back', async () => {
    const token = (await page.evaluate('Object.values(sessionStorage)[0]')) as string;
    const me = () => fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me()).status).to.equal(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).to.equal(0);
    expect((await me()).status).to.equal(401);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('#dashboard').isVisible()).to.equal(false);
  });

  it("shows the server's message for a wrong password (its own page: that refusal is expected)", async () => {
    const other = await browser.newPage();
    const answers: string[] = [];
    other.on('response', (r) => {
      if (r.status() >= 400) answers.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await other.goto(`${base}/admin/`);
    await other.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
    await other.getByLabel('Password', { exact: true }).fill('not-the-password');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other
      .getByRole('alert')
      .filter({ hasText: /invalid|incorrect/i })
      .waitFor();
    expect(await other.locator('#dashboard').isVisible()).to.equal(false);
    // The storefront contract answers a wrong password 400 (compat); only that refusal happened.
    expect(answers).to.have.length(1);
    expect(answers[0]).to.match(/^4\d\d \/api\/auth\/login$/);
    await other.close();
  });

  it('met no console error, page error, failed request or error answer on the way', () => {
    expect(problems).to.deep.equal([]);
  });
});
