import { expect } from 'chai';
import {
  ConfigError,
  DEV_RAZORPAY_KEY_ID,
  DEV_RAZORPAY_KEY_SECRET,
  DEV_STRIPE_WEBHOOK_SECRET,
  loadConfig,
} from '../../../bootstrap/config.js';
import { PRODUCTION_SECRETS } from '../../support/harness.js';

const JWT = 'a-production-secret-that-is-long-enough-0123456789';
/** Production with a real-looking Stripe key (what every production deployment taking cards sets). */
const PROD = {
  NODE_ENV: 'production',
  JWT_SECRET: JWT,
  STRIPE_SECRET_KEY: 'sk_live_x',
  PII_MASTER_KEY: PRODUCTION_SECRETS.PII_MASTER_KEY,
};

function refused(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ PII_MASTER_KEY: PRODUCTION_SECRETS.PII_MASTER_KEY, ...env }, () => 'random-secret');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to refuse');
}

describe('bootstrap/config payments settings', () => {
  it('the embedded default: fake gateway, card payments on, documented dev secrets', () => {
    const c = loadConfig({ NODE_ENV: 'development' }, () => 'generated');
    expect(c.stripe).to.equal(null);
    expect(c.cardPaymentsEnabled).to.equal(true);
    expect(c.stripeWebhookSecret).to.equal(DEV_STRIPE_WEBHOOK_SECRET);
    expect(c.razorpay).to.deep.equal({
      keyId: DEV_RAZORPAY_KEY_ID,
      keySecret: DEV_RAZORPAY_KEY_SECRET,
      configured: false,
      enabled: true,
    });
    expect(loadConfig({ NODE_ENV: 'test' }, () => 'g').cardPaymentsEnabled).to.equal(true);
  });

  it('production never uses the documented secrets', () => {
    const c = loadConfig(PROD, () => 'random-secret');
    expect(c.stripeWebhookSecret).to.equal('random-secret');
    expect(c.razorpay.keySecret).to.equal('random-secret');
  });

  it('production refuses to start without STRIPE_SECRET_KEY unless card payments are disabled', () => {
    const error = refused({ NODE_ENV: 'production', JWT_SECRET: JWT });
    expect(error.message).to.include('STRIPE_SECRET_KEY').and.include('CARD_PAYMENTS_ENABLED=false');
    expect(
      refused({ NODE_ENV: 'production', JWT_SECRET: JWT, CARD_PAYMENTS_ENABLED: 'true' }).message,
    ).to.include('STRIPE_SECRET_KEY');
    const off = loadConfig(
      {
        NODE_ENV: 'production',
        JWT_SECRET: JWT,
        CARD_PAYMENTS_ENABLED: 'false',
        PII_MASTER_KEY: PRODUCTION_SECRETS.PII_MASTER_KEY,
      },
      () => 'random-secret',
    );
    expect(off.cardPaymentsEnabled).to.equal(false);
    expect(off.stripe).to.equal(null);
    expect(refused({ CARD_PAYMENTS_ENABLED: 'maybe' }).message).to.include('CARD_PAYMENTS_ENABLED');
  });

  it('production without both Razorpay variables: the storefront checkout is disabled, never the dev key id', () => {
    const c = loadConfig(PROD, () => 'random-secret');
    expect(c.razorpay.enabled).to.equal(false);
    expect(c.razorpay.configured).to.equal(false);
    expect(c.razorpay.keyId).to.equal('');
    const real = loadConfig(
      { ...PROD, RAZORPAY_KEY_ID: 'rzp_live_abc', RAZORPAY_KEY_SECRET: 'live-secret' },
      () => 'random-secret',
    );
    expect(real.razorpay).to.deep.equal({
      keyId: 'rzp_live_abc',
      keySecret: 'live-secret',
      configured: true,
      enabled: true,
    });
  });

  it('production refuses one Razorpay variable without the other, and the documented dev values', () => {
    expect(refused({ ...PROD, RAZORPAY_KEY_ID: 'rzp_live_abc' }).message).to.include('RAZORPAY_KEY_SECRET');
    expect(refused({ ...PROD, RAZORPAY_KEY_SECRET: 'live-secret' }).message).to.include('RAZORPAY_KEY_ID');
    expect(
      refused({ ...PROD, RAZORPAY_KEY_ID: DEV_RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET: 'live-secret' }).message,
    ).to.include('RAZORPAY_KEY_ID');
    const secret = refused({
      ...PROD,
      RAZORPAY_KEY_ID: 'rzp_live_abc',
      RAZORPAY_KEY_SECRET: DEV_RAZORPAY_KEY_SECRET,
    });
    expect(secret.message).to.include('RAZORPAY_KEY_SECRET').and.not.include(DEV_RAZORPAY_KEY_SECRET);
    expect(refused({ ...PROD, STRIPE_WEBHOOK_SECRET: DEV_STRIPE_WEBHOOK_SECRET }).message).to.include(
      'STRIPE_WEBHOOK_SECRET',
    );
  });

  it('reads STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET', () => {
    const c = loadConfig(
      {
        STRIPE_SECRET_KEY: 'sk_test_1',
        STRIPE_WEBHOOK_SECRET: 'whsec_1',
        RAZORPAY_KEY_ID: 'rzp_test_1',
        RAZORPAY_KEY_SECRET: 'rzp_secret',
      },
      () => 'x',
    );
    expect(c.stripe).to.deep.equal({ secretKey: 'sk_test_1' });
    expect(c.stripeWebhookSecret).to.equal('whsec_1');
    expect(c.razorpay).to.deep.equal({
      keyId: 'rzp_test_1',
      keySecret: 'rzp_secret',
      configured: true,
      enabled: true,
    });
  });
});
