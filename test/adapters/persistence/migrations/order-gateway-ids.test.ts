import { expect } from 'chai';
import { orderGatewayIds } from '../../../../adapters/persistence/mongo/migrations/003-order-gateway-ids.js';
import { MongoPaymentRepository } from '../../../../adapters/persistence/mongo/payments-records.js';
import { PaymentReferences } from '../../../../application/payments/references.js';
import type { CheckoutGateway } from '../../../../application/payments/ports.js';
import { describeWith } from '../../../support/services.js';
import { useMongo } from '../../../support/mongo.js';

const createdAt = new Date('2026-01-02T03:04:05.678Z');
const checkout = { name: 'razorpay' } as CheckoutGateway;

/** Order documents as they were written while the order held the storefront gateway's ids. */
const legacyOrders = [
  // Written before payment records existed: no record of its gateway order.
  {
    _id: 'o1',
    userId: 'u1',
    total: 150000,
    paymentInfo: { method: 'razorpay', paymentId: 'pay_L' },
    paymentStatus: 'completed',
    razorpayOrderId: 'order_L',
    razorpayPaymentId: 'pay_L',
    razorpaySignature: 'sig_L',
    createdAt,
  },
  // Paid through this API before the move: its record lacks only the signature.
  {
    _id: 'o2',
    userId: 'u2',
    total: 90000,
    paymentInfo: { method: 'razorpay', paymentId: 'order_N' },
    paymentStatus: 'completed',
    razorpayOrderId: 'order_N',
    razorpayPaymentId: 'pay_N',
    razorpaySignature: 'sig_N',
    createdAt,
  },
  // A gateway order made, never paid.
  {
    _id: 'o3',
    userId: 'u3',
    total: 500,
    paymentInfo: { method: 'razorpay' },
    razorpayOrderId: 'order_U',
    createdAt,
  },
];

describeWith(
  ['mongo'],
  'migration 003: the storefront gateway ids move from orders to payment records',
  () => {
    const mongo = useMongo('migration-003');
    let payments: MongoPaymentRepository;
    let references: PaymentReferences;

    beforeEach(async () => {
      payments = new MongoPaymentRepository(mongo.connection());
      references = new PaymentReferences(payments, checkout);
      await mongo.reset();
      const db = mongo.connection().db!;
      await db.collection('orders').insertMany(legacyOrders.map((o) => ({ ...o, _id: o._id as never })));
      await db.collection('payments').insertOne({
        _id: 'p2' as never,
        orderId: 'o2',
        userId: 'u2',
        gateway: 'razorpay',
        intentId: 'order_N',
        amount: 90000,
        currency: 'INR',
        status: 'succeeded',
        refundedAmount: 0,
        gatewayPaymentId: 'pay_N',
        events: [{ type: 'created', at: createdAt }],
        createdAt,
        updatedAt: createdAt,
        version: 2,
      });
    });

    const refsOf = async () =>
      references.forOrders(
        legacyOrders.map((o) => ({ id: o._id, paymentInfo: o.paymentInfo as { method: 'razorpay' } })),
      );

    it('up: the orders lose the fields, the answers still carry the same ids; twice-safe', async () => {
      const db = mongo.connection().db!;
      await orderGatewayIds.up(db);
      await orderGatewayIds.up(db);
      for (const doc of await db.collection('orders').find({}).toArray()) {
        expect(doc, String(doc._id)).to.not.have.any.keys(
          'razorpayOrderId',
          'razorpayPaymentId',
          'razorpaySignature',
        );
      }
      const refs = await refsOf();
      expect(refs.get('o1')).to.deep.equal({
        razorpayOrderId: 'order_L',
        razorpayPaymentId: 'pay_L',
        razorpaySignature: 'sig_L',
      });
      expect(refs.get('o2')).to.deep.equal({
        razorpayOrderId: 'order_N',
        razorpayPaymentId: 'pay_N',
        razorpaySignature: 'sig_N',
      });
      expect(refs.get('o3')).to.deep.equal({ razorpayOrderId: 'order_U' });
      // A legacy record only answers the ids: never a capture refunds or verify could act on.
      expect(await payments.findByIntentId('order_L')).to.deep.include({
        orderId: 'o1',
        gateway: 'razorpay-legacy',
        status: 'pending',
      });
      expect(await db.collection('payments').countDocuments()).to.equal(3);
    });

    it('down: the orders get their fields back, the records lose what up added', async () => {
      const db = mongo.connection().db!;
      await orderGatewayIds.up(db);
      await orderGatewayIds.down(db);
      for (const o of legacyOrders) {
        const doc = await db.collection('orders').findOne({ _id: o._id as never });
        expect(doc).to.deep.equal(o);
      }
      expect(await db.collection('payments').countDocuments()).to.equal(1);
      expect(await payments.findByIntentId('order_N')).to.not.have.property('signature');
    });
  },
);
