import { expect } from 'chai';
import { METRIC_DEFINITIONS } from '../../../application/shared/metrics.js';
import { buildTestApp, testConfig, type TestApp } from '../../support/harness.js';

const TOKEN = 'metrics-token-0123456789abcdef';

function series(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('HTTP /api/metrics/prometheus', () => {
  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({ METRICS_TOKEN: TOKEN });
    });
    after(async () => t.close());

    const scrape = (url = '/api/metrics/prometheus', token: string | null = TOKEN) =>
      t.app.inject({
        method: 'GET',
        url,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });

    it('refuses a scrape without the token or with a wrong one (401), serves it with the token', async () => {
      expect((await scrape(undefined, null)).statusCode).to.equal(401);
      expect((await scrape(undefined, `${TOKEN}x`)).statusCode).to.equal(401);
      expect((await scrape(undefined, TOKEN.slice(1))).statusCode).to.equal(401);
      const ok = await scrape();
      expect(ok.statusCode).to.equal(200);
      expect(ok.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
      expect((await scrape('/api/api/metrics/prometheus')).statusCode).to.equal(200);
    });

    it('exposes every row of METRIC_DEFINITIONS with its kind, and the default process metrics', async () => {
      const text = (await scrape()).body;
      for (const [name, def] of Object.entries(METRIC_DEFINITIONS)) {
        expect(text, name).to.include(`# TYPE ${name} ${def.kind}`);
      }
      for (const name of [
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
        'nodejs_gc_duration_seconds',
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
      ]) {
        expect(text, name).to.include(`# TYPE ${name} `);
      }
    });

    it('counts requests per route template, method and status (never the raw URL; unmatched share one label)', async () => {
      const list = await t.request({ method: 'GET', url: '/api/products?limit=2' });
      const id = list.json().data.products[0]._id as string;
      await Promise.all([
        t.request({ method: 'GET', url: `/api/products/${id}` }),
        t.request({ method: 'GET', url: `/api/api/products/${id}` }),
        t.request({ method: 'GET', url: '/api/products/000000000000000000000abc' }),
        t.request({ method: 'GET', url: '/api/no-such-route-1' }),
        t.request({ method: 'GET', url: '/api/no-such-route-2' }),
      ]);
      const text = (await scrape()).body;
      const requests = series(text, 'http_requests_total');
      expect(requests).to.include(
        'http_requests_total{method="GET",route="/api/products/:id",status="200"} 2',
      );
      expect(requests).to.include(
        'http_requests_total{method="GET",route="/api/products/:id",status="404"} 1',
      );
      expect(requests).to.include('http_requests_total{method="GET",route="unmatched",status="404"} 2');
      expect(text).to.not.include(id);
      expect(text).to.not.include('no-such-route');
      expect(series(text, 'http_request_duration_seconds_count')).to.include(
        'http_request_duration_seconds_count{method="GET",route="/api/products/:id",status="200"} 2',
      );
    });
  });

  it('answers 404 when neither METRICS_TOKEN nor METRICS_ALLOW_IPS is set', async () => {
    const t = await buildTestApp();
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/metrics/prometheus',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.statusCode).to.equal(404);
    } finally {
      await t.close();
    }
  });

  it('METRICS_ALLOW_IPS: serves allowed addresses (IPv4-mapped too), 403 to the others', async () => {
    const t = await buildTestApp({ METRICS_ALLOW_IPS: '10.0.0.0/8,192.168.1.7' });
    try {
      const from = (remoteAddress: string) =>
        t.app.inject({ method: 'GET', url: '/api/metrics/prometheus', remoteAddress });
      expect((await from('10.1.2.3')).statusCode).to.equal(200);
      expect((await from('::ffff:10.9.9.9')).statusCode).to.equal(200);
      expect((await from('192.168.1.7')).statusCode).to.equal(200);
      expect((await from('192.168.1.8')).statusCode).to.equal(403);
      expect((await from('127.0.0.1')).statusCode).to.equal(403);
    } finally {
      await t.close();
    }
  });

  it('with both set, an allowed address still needs the token', async () => {
    const t = await buildTestApp({ METRICS_ALLOW_IPS: '10.0.0.0/8', METRICS_TOKEN: TOKEN });
    try {
      const get = (remoteAddress: string, token?: string) =>
        t.app.inject({
          method: 'GET',
          url: '/api/metrics/prometheus',
          remoteAddress,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
      expect((await get('10.1.2.3')).statusCode).to.equal(401);
      expect((await get('127.0.0.1', TOKEN)).statusCode).to.equal(403);
      expect((await get('10.1.2.3', TOKEN)).statusCode).to.equal(200);
    } finally {
      await t.close();
    }
  });

  it('config refuses a short METRICS_TOKEN and a malformed METRICS_ALLOW_IPS entry, naming the variable', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).to.throw(/METRICS_TOKEN/);
    expect(() => testConfig({ METRICS_ALLOW_IPS: '10.0.0.0/33' })).to.throw(/METRICS_ALLOW_IPS/);
    expect(() => testConfig({ METRICS_ALLOW_IPS: 'example.com' })).to.throw(/METRICS_ALLOW_IPS/);
    expect(testConfig({ HEALTH_CACHE_MS: '2500' }).observability.healthCacheMs).to.equal(2500);
  });
});
