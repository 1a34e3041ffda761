import { expect } from 'chai';
import {
  DEV_RAZORPAY_KEY_ID,
  DEV_RAZORPAY_KEY_SECRET,
  DEV_STRIPE_WEBHOOK_SECRET,
  loadConfig,
} from '../../../bootstrap/config.js';

const JWT = 'a-production-secret-that-is-long-enough-0123456789';

describe('bootstrap/config payments settings', () => {
  it('the embedded default: fake gateway, documented dev secrets', () => {
    const c = loadConfig({ NODE_ENV: 'development' }, () => 'generated');
    expect(c.stripe).to.equal(null);
    expect(c.stripeWebhookSecret).to.equal(DEV_STRIPE_WEBHOOK_SECRET);
    expect(c.razorpay).to.deep.equal({
      keyId: DEV_RAZORPAY_KEY_ID,
      keySecret: DEV_RAZORPAY_KEY_SECRET,
      configured: false,
    });
  });

  it('production never uses the documented secrets', () => {
    const c = loadConfig({ NODE_ENV: 'production', JWT_SECRET: JWT }, () => 'random-secret');
    expect(c.stripeWebhookSecret).to.equal('random-secret');
    expect(c.razorpay.keySecret).to.equal('random-secret');
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
    expect(c.razorpay).to.deep.equal({ keyId: 'rzp_test_1', keySecret: 'rzp_secret', configured: true });
  });
});
