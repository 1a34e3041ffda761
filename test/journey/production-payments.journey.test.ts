import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { PRODUCTION_SECRETS } from '../support/harness.js';
import { runUntilExit, startServer, type ServerProcess } from '../support/process.js';

const PRODUCTION = {
  ...PRODUCTION_SECRETS,
  BCRYPT_ROUNDS: '4',
  HASH_WORKERS: '0',
  MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-prod-journey-')),
};

/** The real process, started the way production starts it, with no card gateway configured. */
describe('production payments, as a real process', function () {
  this.timeout(60_000);
  let server: ServerProcess | undefined;
  after(async () => server?.stop());

  it('refuses to start without STRIPE_SECRET_KEY: one line naming it, exit code 1, never listening', async () => {
    const run = await runUntilExit(PRODUCTION);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('STRIPE_SECRET_KEY').and.include('CARD_PAYMENTS_ENABLED=false');
    expect(run.stdout).to.not.include('listening');
  });

  it('with CARD_PAYMENTS_ENABLED=false it starts, warns which flows are off, and pm_card_visa pays nothing', async () => {
    server = await startServer({ ...PRODUCTION, CARD_PAYMENTS_ENABLED: 'false' });
    const warnings = server.lines.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings.some((m) => m.includes('CARD_PAYMENTS_ENABLED=false'))).to.equal(true);
    expect(warnings.some((m) => m.includes('RAZORPAY_KEY_ID'))).to.equal(true);
    const api = server.base + '/api';
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        fullName: 'Prod Shopper',
        email: 'prod.shopper@example.com',
        password: 'shopper-pass-1',
        phone: '',
        birthday: '',
      }),
    });
    expect(registered.status).to.equal(201);
    const { token } = (await registered.json()) as { token: string };
    const call = (path: string, body: unknown) =>
      fetch(`${api}/payments/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const orderId = '0123456789abcdef01234567';
    for (const res of [
      await call('create-intent', { orderId }),
      await call('confirm', { paymentIntentId: 'pi_anything', paymentMethod: 'pm_card_visa' }),
      await call('create-order', { amount: 10, orderId, currency: 'INR' }),
    ]) {
      expect(res.status).to.equal(503);
      expect(((await res.json()) as { code: string }).code).to.equal('PAYMENTS_DISABLED');
    }
  });
});
