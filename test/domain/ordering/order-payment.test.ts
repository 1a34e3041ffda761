import { expect } from 'chai';
import fc from 'fast-check';
import {
  cancelByOwner,
  changeStatus,
  placeOrder,
  storefrontStatus,
  type Order,
} from '../../../domain/ordering/order.js';
import {
  attachPaymentReference,
  isPaid,
  recordPayment,
  recordPaymentFailure,
  recordRefund,
  refundable,
  syncRefundedTotal,
} from '../../../domain/ordering/order-payment.js';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const LATER = new Date('2026-06-01T11:00:00.000Z');
const USER = 'c00000000000000000000001';

export function pendingOrder(): Order {
  const placed = placeOrder({
    id: 'b00000000000000000000001',
    orderNumber: 'AF-000123456',
    userId: USER,
    items: [
      { id: 'l1', productId: 'a00000000000000000000001', name: 'Roses', unitPrice: 10000, quantity: 2 },
    ],
    shippingAddress: { fullName: 'A B', street: '1 St', city: 'C', state: 'S', zipCode: '123456' },
    source: 'request',
    now: NOW,
  });
  return placed.unwrap().order;
}

describe('domain/ordering/order-payment: the order payment lifecycle', () => {
  it('a pending order is paid once: completed, confirmed, paidAt, history and events', () => {
    const order = pendingOrder();
    const paid = recordPayment(order, { paymentId: 'pi_1', by: 'gateway', at: LATER });
    expect(paid.changed).to.equal(true);
    expect(paid.order.paymentStatus).to.equal('completed');
    expect(paid.order.paymentInfo).to.deep.equal({ method: 'card', paymentId: 'pi_1' });
    expect(paid.order.status).to.equal('confirmed');
    expect(storefrontStatus(paid.order)).to.equal('confirmed');
    expect(paid.order.paidAt).to.deep.equal(LATER);
    expect(paid.order.statusHistory.at(-1)?.note).to.equal('Payment completed (pi_1)');
    expect(paid.events.map((e) => e.type)).to.deep.equal([
      'ordering.order-paid',
      'ordering.order-status-changed',
    ]);
    const again = recordPayment(paid.order, { paymentId: 'pi_2', by: 'gateway', at: LATER });
    expect(again.changed).to.equal(false);
    expect(again.order).to.equal(paid.order);
  });

  it('a failure sets failed / payment_failed; a later success still pays; a late failure after paying changes nothing', () => {
    const failed = recordPaymentFailure(pendingOrder(), { code: 'card_declined', by: 'gateway', at: NOW });
    expect(failed.order.paymentStatus).to.equal('failed');
    expect(storefrontStatus(failed.order)).to.equal('payment_failed');
    expect(recordPaymentFailure(failed.order, { code: 'x', by: 'g', at: NOW }).changed).to.equal(false);
    const paid = recordPayment(failed.order, { paymentId: 'pi_1', by: 'g', at: LATER });
    expect(paid.order.paymentStatus).to.equal('completed');
    expect(storefrontStatus(paid.order)).to.equal('confirmed');
    expect(recordPaymentFailure(paid.order, { code: 'late', by: 'g', at: LATER }).changed).to.equal(false);
  });

  it('refunds accumulate: partial then the rest; above the remainder is REFUND_EXCEEDS_PAYMENT; unpaid is ORDER_NOT_PAID', () => {
    const order = pendingOrder();
    expect(recordRefund(order, { amount: 100, by: 'a', at: NOW }).unwrapErr().code).to.equal(
      'ORDER_NOT_PAID',
    );
    const paid = recordPayment(order, { paymentId: 'pi_1', by: 'g', at: NOW }).order;
    const part = recordRefund(paid, { amount: 5000, by: 'admin', at: LATER, reason: 'wilted' }).unwrap();
    expect(part.order.paymentStatus).to.equal('partially_refunded');
    expect(storefrontStatus(part.order)).to.equal('refunded');
    expect(part.order.refundAmount).to.equal(5000);
    expect(part.order.refundedAt).to.deep.equal(LATER);
    expect(part.order.statusHistory.at(-1)?.note).to.equal('Refunded: wilted');
    const over = recordRefund(part.order, { amount: paid.total, by: 'admin', at: LATER });
    expect(over.unwrapErr().code).to.equal('REFUND_EXCEEDS_PAYMENT');
    const rest = recordRefund(part.order, {
      amount: refundable(part.order),
      by: 'admin',
      at: LATER,
    }).unwrap();
    expect(rest.order.paymentStatus).to.equal('refunded');
    expect(rest.order.refundAmount).to.equal(paid.total);
    expect(recordRefund(rest.order, { amount: 1, by: 'a', at: LATER }).unwrapErr().code).to.equal(
      'REFUND_EXCEEDS_PAYMENT',
    );
    expect(recordRefund(paid, { amount: 0, by: 'a', at: LATER }).unwrapErr().code).to.equal(
      'VALIDATION_FAILED',
    );
  });

  it('the gateway refunded total is idempotent and clamped to the total', () => {
    const paid = recordPayment(pendingOrder(), { paymentId: 'pi_1', by: 'g', at: NOW }).order;
    const once = syncRefundedTotal(paid, { refundedTotal: 3000, by: 'g', at: LATER });
    expect(once.order.refundAmount).to.equal(3000);
    expect(syncRefundedTotal(once.order, { refundedTotal: 3000, by: 'g', at: LATER }).changed).to.equal(
      false,
    );
    expect(syncRefundedTotal(once.order, { refundedTotal: 1000, by: 'g', at: LATER }).changed).to.equal(
      false,
    );
    const all = syncRefundedTotal(once.order, { refundedTotal: 10 ** 9, by: 'g', at: LATER });
    expect(all.order.refundAmount).to.equal(paid.total);
    expect(all.order.paymentStatus).to.equal('refunded');
    expect(syncRefundedTotal(pendingOrder(), { refundedTotal: 5, by: 'g', at: LATER }).changed).to.equal(
      false,
    );
  });

  it('the Order holds no gateway-specific ids: they live in the payment record (checked by tsc)', () => {
    type GatewayIds = Extract<keyof Order, `razorpay${string}` | 'paymentIntentId'>;
    // Adding razorpayOrderId & co back to Order makes GatewayIds non-never and this line fail tsc.
    const none: [GatewayIds] extends [never] ? true : false = true;
    expect(none).to.equal(true);
  });

  it('a paid or cancelled order takes no new payment reference', () => {
    const order = pendingOrder();
    // Every gateway id (intent, gateway order, payment, signature) is the payment record's
    // business: the order only notes the new attempt.
    expect(attachPaymentReference(order, { at: LATER }).unwrap()).to.deep.equal({
      ...order,
      updatedAt: LATER,
    });
    const paid = recordPayment(order, { paymentId: 'pi_1', by: 'g', at: NOW }).order;
    expect(attachPaymentReference(paid, { at: LATER }).unwrapErr().code).to.equal('ORDER_ALREADY_PAID');
    const cancelled = cancelByOwner(order, { by: USER, at: LATER }).unwrap().order;
    expect(attachPaymentReference(cancelled, { at: LATER }).isErr()).to.equal(true);
  });

  it('property: any sequence of pay / fail / refund / gateway-refund events keeps the invariants', () => {
    type Step =
      | { kind: 'pay'; id: number }
      | { kind: 'fail' }
      | { kind: 'refund'; amount: number }
      | { kind: 'sync'; total: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('pay' as const), id: fc.nat(3) }),
      fc.record({ kind: fc.constant('fail' as const) }),
      fc.record({ kind: fc.constant('refund' as const), amount: fc.integer({ min: -10, max: 30000 }) }),
      fc.record({ kind: fc.constant('sync' as const), total: fc.integer({ min: -10, max: 30000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        let order = pendingOrder();
        let captures = 0;
        let firstPaymentId: string | undefined;
        for (const s of steps) {
          const before = order;
          if (s.kind === 'pay') {
            const c = recordPayment(order, { paymentId: `pi_${s.id}`, by: 'g', at: LATER });
            if (c.changed) captures += 1;
            order = c.order;
          } else if (s.kind === 'fail') {
            order = recordPaymentFailure(order, { code: 'x', by: 'g', at: LATER }).order;
          } else if (s.kind === 'refund') {
            const r = recordRefund(order, { amount: s.amount, by: 'a', at: LATER });
            if (r.isOk()) order = r.value.order;
          } else {
            order = syncRefundedTotal(order, { refundedTotal: s.total, by: 'g', at: LATER }).order;
          }
          // invariants after every step
          expect(order.refundAmount ?? 0).to.be.at.most(order.total);
          expect(order.refundAmount ?? 0).to.be.at.least(before.refundAmount ?? 0);
          if (before.paymentStatus === 'refunded') expect(order).to.equal(before);
          if (isPaid(before)) {
            expect(isPaid(order)).to.equal(true);
            expect(order.paidAt).to.deep.equal(before.paidAt);
          }
          if (order.paymentStatus === 'refunded') expect(order.refundAmount).to.equal(order.total);
          if (order.paymentStatus === 'partially_refunded') {
            expect(order.refundAmount ?? 0).to.be.within(1, order.total - 1);
          }
          if (isPaid(order)) {
            firstPaymentId ??= order.paymentInfo.paymentId;
            expect(order.paymentInfo.paymentId).to.equal(firstPaymentId);
          }
        }
        expect(captures).to.be.at.most(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('domain/ordering: storefrontStatus derives orderStatus from the two statuses the order holds', () => {
  it('refunded beats fulfilment, payment_failed only while pending, otherwise the fulfilment status', () => {
    const table: [Order['status'], Order['paymentStatus'], string][] = [
      ['pending', 'pending', 'pending'],
      ['pending', 'failed', 'payment_failed'],
      ['confirmed', 'failed', 'confirmed'],
      ['cancelled', 'failed', 'cancelled'],
      ['confirmed', 'completed', 'confirmed'],
      ['shipped', 'completed', 'shipped'],
      ['confirmed', 'partially_refunded', 'refunded'],
      ['delivered', 'refunded', 'refunded'],
      ['cancelled', 'refunded', 'refunded'],
    ];
    for (const [status, paymentStatus, expected] of table) {
      expect(storefrontStatus({ status, paymentStatus }), `${status}/${paymentStatus}`).to.equal(expected);
    }
  });

  it('a refund stays visible after later fulfilment moves; a declined then admin-confirmed order shows confirmed', () => {
    const paid = recordPayment(pendingOrder(), { paymentId: 'pi_1', by: 'g', at: NOW }).order;
    const refunded = recordRefund(paid, { amount: 100, by: 'admin', at: NOW }).unwrap().order;
    const processing = changeStatus(refunded, { to: 'processing', by: 'admin', at: LATER }).unwrap().order;
    expect(processing.status).to.equal('processing');
    expect(storefrontStatus(processing)).to.equal('refunded');

    const declined = recordPaymentFailure(pendingOrder(), { code: 'card_declined', by: 'g', at: NOW }).order;
    const confirmed = changeStatus(declined, { to: 'confirmed', by: 'admin', at: LATER }).unwrap().order;
    expect(storefrontStatus(confirmed)).to.equal('confirmed');
  });
});
