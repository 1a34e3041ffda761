import type { Page } from 'playwright-core';
import type { DashboardT } from '../../../adapters/http/analytics/dashboard-schema.js';

/**
 * TEMPORARY, delete when GET /api/analytics/dashboard (i12-analytics) is merged.
 *
 * When the running app does not serve the dashboard route yet (404 ROUTE_NOT_FOUND), the browser's
 * calls to it are answered here instead, from the app's own admin API (every order, the low-stock
 * list), in the shape of `dashboard-schema.ts`. When the route exists this installs nothing and
 * the page talks to the real route. Answers whether the stub was installed.
 */
export async function stubDashboardRouteUntilAnalyticsMerges(
  page: Page,
  base: string,
  adminToken: string,
): Promise<boolean> {
  const probe = await fetch(`${base}/api/analytics/dashboard`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  const body = (await probe.json()) as { code?: string };
  if (probe.status !== 404 || body.code !== 'ROUTE_NOT_FOUND') return false;

  await page.route('**/api/analytics/dashboard?*', async (route) => {
    const url = new URL(route.request().url());
    const authorization = route.request().headers().authorization ?? '';
    if (!authorization) {
      await route.fulfill({
        status: 401,
        json: { status: 'error', code: 'UNAUTHORIZED', message: 'Not authorized' },
      });
      return;
    }
    await route.fulfill({
      status: 200,
      json: { success: true, data: await compute(base, authorization, url) },
    });
  });
  return true;
}

interface WireOrder {
  _id: string;
  orderNumber: string;
  user: string;
  status: string;
  total: number;
  createdAt: string;
  paymentInfo: { method: string };
  shippingAddress: { city: string; fullName: string };
}

const DAY = 86_400_000;

async function compute(base: string, authorization: string, url: URL): Promise<DashboardT> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization } });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return ((await res.json()) as { data: T }).data;
  };
  const { orders } = await get<{ orders: WireOrder[] }>('/api/admin/orders?limit=100');
  const { products: low } = await get<{
    products: { product: { _id: string; name: string }; stock: number; threshold: number }[];
  }>('/api/inventory/low-stock');

  const from = Date.parse(`${url.searchParams.get('from')}T00:00:00.000Z`);
  const to = Date.parse(`${url.searchParams.get('to')}T00:00:00.000Z`) + DAY - 1;
  const granularity = (url.searchParams.get('granularity') ?? 'day') as 'day' | 'week' | 'month';
  const inRange = orders.filter((o) => {
    const at = Date.parse(o.createdAt);
    return at >= from && at <= to && o.status !== 'cancelled';
  });
  const revenue = inRange.reduce((sum, o) => sum + o.total, 0);
  const byKey = (key: (o: WireOrder) => string) => {
    const rows = new Map<string, { key: string; orders: number; revenue: number }>();
    for (const o of inRange) {
      const row = rows.get(key(o)) ?? { key: key(o), orders: 0, revenue: 0 };
      row.orders += 1;
      row.revenue += o.total;
      rows.set(row.key, row);
    }
    return [...rows.values()];
  };
  const series: DashboardT['series'] = [];
  for (let at = from; at <= to; at += DAY) {
    const day = inRange.filter(
      (o) => Date.parse(o.createdAt) - at >= 0 && Date.parse(o.createdAt) - at < DAY,
    );
    series.push({
      period: new Date(at).toISOString().slice(0, 10),
      orders: day.length,
      netRevenue: day.reduce((sum, o) => sum + o.total, 0),
    });
  }
  const customers = new Set(inRange.map((o) => o.user)).size;
  return {
    range: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      granularity,
      timezone: 'UTC',
    },
    totals: {
      orders: inRange.length,
      grossRevenue: revenue,
      refunds: 0,
      netRevenue: revenue,
      averageOrderValue: inRange.length ? revenue / inRange.length : 0,
      customers,
      newCustomers: customers,
      returningCustomers: 0,
      repeatCustomerRate: 0,
      productViews: 0,
      conversionPerView: 0,
      conversionPerCart: 0,
      cartAbandonmentRate: 0,
    },
    series,
    topProducts: [],
    topCategories: [],
    revenueByCity: byKey((o) => o.shippingAddress.city),
    revenueByOccasion: byKey(() => 'general'),
    revenueByPaymentMethod: byKey((o) => o.paymentInfo.method),
    membershipTiers: [],
    lowStock: low.map((i) => ({
      productId: i.product._id,
      name: i.product.name,
      stock: i.stock,
      lowStockThreshold: i.threshold,
    })),
    latestOrders: orders.slice(0, 10).map((o) => ({
      id: o._id,
      orderNumber: o.orderNumber,
      status: o.status,
      total: o.total,
      customer: o.shippingAddress.fullName,
      createdAt: o.createdAt,
    })),
  };
}
