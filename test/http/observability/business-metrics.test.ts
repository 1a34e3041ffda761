import { expect } from 'chai';
import { PrometheusMetrics } from '../../../adapters/telemetry/prometheus-metrics.js';
import {
  CountAbandonedWhenOrderExpired,
  CountOrderWhenOrderPlaced,
} from '../../../application/ordering/metric-handlers.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import { METRIC_REACTIONS, REACTIONS } from '../../../bootstrap/modules/events.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { aPlacedOrder, RecordingBus } from '../../support/kit.js';
import { placeOrder } from '../payments/kit.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** A metric's value for a label set, from the exposition text (0 when absent). */
function valueOf(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('Business metrics from domain events', () => {
  it('a redelivered event is counted once (fleet handlers claim the event id)', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const bus = new RecordingBus();
    bus.subscribe('ordering.order-placed', new CountOrderWhenOrderPlaced(metrics));
    const { events } = aPlacedOrder({ promoCode: 'SPRING10' });
    const placed = events.filter((e) => e.type === 'ordering.order-placed');
    expect(placed).to.have.length(1);
    await bus.publish(placed);
    await bus.publish(placed); // the sweeper's redelivery, or another instance's
    const text = (await metrics.scrape()).body;
    expect(valueOf(text, 'orders_placed_total')).to.equal(1);
    expect(valueOf(text, 'promo_redemptions_total')).to.equal(1);
  });

  it('every metric handler is a reaction in the REACTIONS table', () => {
    expect(REACTIONS['ordering.order-placed']).to.include(CountOrderWhenOrderPlaced);
    expect(REACTIONS['ordering.order-expired']).to.include(CountAbandonedWhenOrderExpired);
  });

  /** [event type, handler name] of every metric reaction in REACTIONS. */
  const metricReactions = () =>
    Object.entries(REACTIONS).flatMap(([type, handlers]) =>
      (handlers ?? []).filter((h) => METRIC_REACTIONS.has(h)).map((h) => [type, h.name] as const),
    );

  it('with metrics off (NoMetrics) no metric handler is subscribed: an order pays no claims for them', async function () {
    this.timeout(60_000);
    expect(metricReactions().map(([, name]) => name)).to.include.members([
      'CountOrderWhenOrderPlaced',
      'CountRevenueWhenOrderPaid',
      'CountFailureWhenPaymentFailed',
      'CountAbandonedWhenOrderExpired',
    ]);
    const off = await buildTestApp();
    try {
      const bus = off.container.get(EventDispatcher);
      for (const [type, name] of metricReactions()) expect(bus.handlersOf(type), type).not.to.include(name);
      // The other reactions are all there.
      expect(bus.handlersOf('ordering.order-placed')).to.include.members([
        'RecordSaleWhenOrderPlaced',
        'NotifyWhenOrderPlaced',
      ]);
    } finally {
      await off.close();
    }
  });

  describe('over HTTP', function () {
    this.timeout(60_000);
    let t: TestApp;
    before(async () => {
      t = await buildTestApp({ METRICS_TOKEN: TOKEN });
    });
    after(async () => t.close());

    const scrape = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/metrics/prometheus',
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).body;

    it('with Prometheus bound every metric handler is subscribed', () => {
      const bus = t.container.get(EventDispatcher);
      for (const [type, name] of metricReactions()) expect(bus.handlersOf(type), type).to.include(name);
    });

    it('orders placed, revenue of paid orders and failed payments move with checkout', async () => {
      const shopper = await registerUser(t);
      const post = (url: string, body: unknown) =>
        t.request({ method: 'POST', url, body, token: shopper.token, sign: true });
      const before = await scrape();

      const paid = await placeOrder(t, shopper.token);
      const intent = (await post('/api/payments/create-intent', { orderId: paid._id })).json().data
        .paymentIntentId as string;
      const ok = await post('/api/payments/confirm', {
        paymentIntentId: intent,
        paymentMethod: 'pm_card_visa',
      });
      expect(ok.statusCode, ok.body).to.equal(200);

      const declined = await placeOrder(t, shopper.token);
      const intent2 = (await post('/api/payments/create-intent', { orderId: declined._id })).json().data
        .paymentIntentId as string;
      const no = await post('/api/payments/confirm', {
        paymentIntentId: intent2,
        paymentMethod: 'pm_card_chargeDeclined',
      });
      expect(no.statusCode, no.body).to.equal(402);

      const after = await scrape();
      expect(valueOf(after, 'orders_placed_total') - valueOf(before, 'orders_placed_total')).to.equal(2);
      expect(valueOf(after, 'revenue_total') - valueOf(before, 'revenue_total')).to.be.closeTo(
        paid.total,
        1e-6,
      );
      expect(valueOf(after, 'payments_failed_total', '{provider="card"}')).to.equal(
        valueOf(before, 'payments_failed_total', '{provider="card"}') + 1,
      );
    });
  });
});
