import { expect } from 'chai';
import type { HealthIndicator } from '../../../application/health/ports.js';
import { CheckHealth } from '../../../application/health/check-health.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';
import { FIXED_NOW } from '../../support/kit.js';

describe('HTTP /api/health', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('answers the compat shape under /api and /api/api', async () => {
    for (const url of ['/api/health', '/api/api/health']) {
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body).to.include({
        status: 'success',
        message: 'Server is running!',
        environment: 'test',
        database: 'connected',
      });
      expect(Date.parse(body.timestamp)).to.not.be.NaN;
    }
  });

  it('detailed lists each dependency', async () => {
    const res = await t.request({ method: 'GET', url: '/api/health/detailed' });
    expect(res.statusCode).to.equal(200);
    expect(res.json().status).to.equal('up');
    expect(res.json().dependencies).to.deep.include({
      name: 'memory-store',
      role: 'persistence',
      status: 'up',
      detail: 'embedded in-memory store',
    });
  });
});

describe('CheckHealth', () => {
  const clock = { now: () => FIXED_NOW };
  const indicator = (status: 'up' | 'degraded' | 'down', role = 'cache'): HealthIndicator => ({
    check: async () => ({ name: `${role}-${status}`, role, status }),
  });

  it('reports the worst status and treats a throwing indicator as down', async () => {
    expect(
      (await new CheckHealth([indicator('up'), indicator('degraded')], clock).execute()).status,
    ).to.equal('degraded');
    const throwing: HealthIndicator = { check: async () => Promise.reject(new Error('boom')) };
    const report = await new CheckHealth([indicator('up'), throwing], clock).execute();
    expect(report.status).to.equal('down');
    expect(report.dependencies[1]).to.include({ status: 'down', detail: 'Error: boom' });
    expect(report.checkedAt).to.equal(FIXED_NOW);
  });
});
