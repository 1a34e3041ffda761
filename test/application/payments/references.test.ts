import { expect } from 'chai';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPaymentRepository } from '../../../adapters/persistence/memory/payments-records.js';
import type { CheckoutGateway } from '../../../application/payments/ports.js';
import { PaymentReferences } from '../../../application/payments/references.js';
import { markSucceeded, newPaymentRecord } from '../../../domain/payments/payment-record.js';
import { FIXED_NOW } from '../../support/kit.js';

const at = (minutes: number) => new Date(FIXED_NOW.getTime() + minutes * 60_000);

describe('application/payments PaymentReferences: the storefront gateway ids of orders', () => {
  async function world() {
    const payments = new MemoryPaymentRepository(new MemoryDatabase());
    const add = async (
      intentId: string,
      gateway: string,
      minute: number,
      paid?: { payment: string; sig?: string },
    ) => {
      const fresh = newPaymentRecord({
        id: `rec_${intentId}`,
        orderId: 'o1',
        userId: 'u1',
        gateway,
        intentId,
        amount: 1000,
        currency: 'INR',
        now: at(minute),
      });
      const created = (await payments.create(fresh)).unwrap();
      if (!paid) return;
      const succeeded = markSucceeded(created, {
        gatewayPaymentId: paid.payment,
        ...(paid.sig !== undefined ? { signature: paid.sig } : {}),
        at: at(minute + 1),
      })!;
      (await payments.update(succeeded)).unwrap();
    };
    return { add, refs: new PaymentReferences(payments, { name: 'razorpay' } as CheckoutGateway) };
  }

  it('the payment id and signature are those of the capture that paid the order, never a duplicate', async () => {
    const w = await world();
    await w.add('order_A', 'razorpay', 1, { payment: 'pay_A', sig: 'sig_A' });
    // A second gateway order captured after the order was paid (refunded as a duplicate).
    await w.add('order_B', 'razorpay', 5, { payment: 'pay_B', sig: 'sig_B' });
    // A card intent of the same order is no storefront gateway id.
    await w.add('pi_C', 'fake', 9, { payment: 'ch_C' });
    const ref = await w.refs.forOrder({
      id: 'o1',
      paymentInfo: { method: 'razorpay', paymentId: 'order_A' },
    });
    expect(ref).to.deep.equal({
      razorpayOrderId: 'order_B',
      razorpayPaymentId: 'pay_A',
      razorpaySignature: 'sig_A',
    });
  });

  it('an order not paid by a verified checkout capture answers only its newest gateway order', async () => {
    const w = await world();
    await w.add('order_A', 'razorpay', 1);
    await w.add('pi_C', 'fake', 2, { payment: 'ch_C' });
    expect(
      await w.refs.forOrder({ id: 'o1', paymentInfo: { method: 'card', paymentId: 'pi_C' } }),
    ).to.deep.equal({ razorpayOrderId: 'order_A' });
    expect(await w.refs.forOrders([{ id: 'nobody', paymentInfo: { method: 'card' } }])).to.deep.equal(
      new Map([['nobody', {}]]),
    );
  });
});
