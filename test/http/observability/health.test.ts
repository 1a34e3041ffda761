import { expect } from 'chai';
import { CheckHealth } from '../../../application/health/check-health.js';
import { CachedHealth } from '../../../application/health/cached-health.js';
import { StripeHealth } from '../../../adapters/payments/stripe-health.js';
import { CloudinaryHealth } from '../../../adapters/media/cloudinary-health.js';
import { parseCloudinaryUrl } from '../../../adapters/media/cloudinary-image-store.js';
import { TwilioHealth } from '../../../adapters/sms/twilio-health.js';
import { SmtpHealth } from '../../../adapters/mail/smtp-health.js';
import { FakeStripeServer } from '../../support/stripe/fake-stripe-server.js';
import { FakeCloudinary } from '../../support/media/fake-cloudinary.js';
import { FakeTwilioServer } from '../../support/twilio/fake-twilio-server.js';
import { SmtpSink } from '../../support/mail/smtp-sink.js';
import { buildTestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';

describe('Health indicators of the providers (local fake servers)', () => {
  it('Stripe: up against the fake with the right key; down with a wrong key or when it is gone', async () => {
    const fake = await new FakeStripeServer().start();
    const origin = `http://127.0.0.1:${fake.port}`;
    try {
      expect(await new StripeHealth(fake.secretKey, origin).check()).to.include({
        name: 'stripe',
        status: 'up',
      });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['GET /v1/balance']);
      const wrong = await new StripeHealth('sk_test_wrong', origin).check();
      expect(wrong).to.include({ status: 'down', detail: 'HTTP 401' });
    } finally {
      await fake.stop();
    }
    const gone = await new StripeHealth(fake.secretKey, origin).check();
    expect(gone).to.include({ status: 'down', detail: 'unreachable' });
    expect(gone.latencyMs).to.be.a('number');
  });

  it('Cloudinary: the ping answers up; a failing server is down', async () => {
    const fake = await new FakeCloudinary('demo', 'key123', 'secret456').start();
    try {
      const health = new CloudinaryHealth(parseCloudinaryUrl(fake.url));
      expect(await health.check()).to.include({ name: 'cloudinary', status: 'up' });
      fake.failWith = 500;
      expect(await health.check()).to.include({ status: 'down', detail: 'HTTP 500' });
      const wrong = new CloudinaryHealth({ ...parseCloudinaryUrl(fake.url), apiSecret: 'nope' });
      fake.failWith = null;
      expect(await wrong.check()).to.include({ status: 'down', detail: 'HTTP 401' });
    } finally {
      await fake.stop();
    }
  });

  it('Twilio (SMS): the account resource answers up; a wrong token is down', async () => {
    const fake = await new FakeTwilioServer().start();
    try {
      expect(await new TwilioHealth(fake.accountSid, fake.authToken, fake.url).check()).to.include({
        name: 'twilio',
        status: 'up',
      });
      expect(await new TwilioHealth(fake.accountSid, 'wrong', fake.url).check()).to.include({
        status: 'down',
        detail: 'HTTP 401',
      });
    } finally {
      await fake.stop();
    }
  });

  it('SMTP: verify() against a real SMTP server is up; a closed port is down', async () => {
    const sink = new SmtpSink();
    await sink.start();
    const url = `smtp://127.0.0.1:${sink.port}`;
    try {
      expect(await new SmtpHealth(url).check()).to.include({ name: 'smtp', status: 'up' });
    } finally {
      await sink.stop();
    }
    expect(await new SmtpHealth(url, 500).check()).to.include({ status: 'down' });
  });
});

describe('CachedHealth: the providers cannot be hammered through the health routes', () => {
  it('20 parallel checks ask Stripe once; after HEALTH_CACHE_MS the next check asks again', async () => {
    const fake = await new FakeStripeServer().start();
    try {
      const clock = new TestClock();
      const stripe = new StripeHealth(fake.secretKey, `http://127.0.0.1:${fake.port}`);
      const cached = new CachedHealth(new CheckHealth([stripe], clock), clock, 10_000);
      const reports = await Promise.all(Array.from({ length: 20 }, () => cached.execute()));
      expect(reports.every((r) => r.status === 'up')).to.equal(true);
      const balanceCalls = () => fake.requests.filter((r) => r.path === '/v1/balance').length;
      expect(balanceCalls()).to.equal(1);
      clock.advance(9_999);
      await cached.execute();
      expect(balanceCalls()).to.equal(1);
      clock.advance(1);
      await cached.execute();
      expect(balanceCalls()).to.equal(2);
    } finally {
      await fake.stop();
    }
  });
});

describe('HTTP health routes with every configured provider', () => {
  it('detailed lists Cloudinary, SMS and the queue; 20 parallel calls reach the provider once; status is public-safe; live never checks', async () => {
    const cloudinary = await new FakeCloudinary('demo', 'key123', 'secret456').start();
    const twilio = await new FakeTwilioServer().start();
    const t = await buildTestApp({ CLOUDINARY_URL: cloudinary.url, ...twilio.env() });
    try {
      const pings = () => cloudinary.requests.filter((r) => r.path.endsWith('/ping')).length;
      const accountReads = () => twilio.requests.filter((r) => r.method === 'GET').length;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.request({ method: 'GET', url: i % 2 ? '/api/health/detailed' : '/api/status/dependencies' }),
        ),
      );
      expect(answers.map((a) => a.statusCode)).to.deep.equal(Array(20).fill(200));
      expect(pings()).to.equal(1);
      expect(accountReads()).to.equal(1);

      const detailed = (await t.request({ method: 'GET', url: '/api/api/health/detailed' })).json();
      const byName = new Map<string, { status: string; latencyMs?: number }>(
        detailed.dependencies.map((d: { name: string }) => [d.name, d]),
      );
      for (const name of ['memory-store', 'cloudinary', 'twilio', 'queue']) {
        expect(byName.get(name), name).to.include({ status: 'up' });
      }
      expect(byName.get('cloudinary')?.latencyMs).to.be.a('number');

      const status = (await t.request({ method: 'GET', url: '/api/status/dependencies' })).json();
      expect(status.dependencies.map((d: { name: string }) => d.name)).to.include.members([
        'cloudinary',
        'twilio',
      ]);
      for (const d of status.dependencies) {
        expect(d).to.not.have.any.keys('detail', 'role');
      }
      expect(JSON.stringify(status)).to.not.include('127.0.0.1');
      expect(JSON.stringify(status)).to.not.include('secret456');

      const before = pings();
      const live = await t.request({ method: 'GET', url: '/api/health/live' });
      expect(live.statusCode).to.equal(200);
      expect(live.json().status).to.equal('alive');
      expect(pings()).to.equal(before);
    } finally {
      await t.close();
      await cloudinary.stop();
      await twilio.stop();
    }
  });
});
