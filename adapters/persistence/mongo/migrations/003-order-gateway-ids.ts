import { randomBytes } from 'node:crypto';
import type { Db, Migration } from '../migrations.js';
import { LEGACY_CHECKOUT_GATEWAY } from '../../../../domain/payments/payment-record.js';

const MARK = 'gatewayIdsMovedBy003';
const RECORD_MARK = 'filledBy003';
const FIELDS = ['razorpayOrderId', 'razorpayPaymentId', 'razorpaySignature'] as const;
/** The storefront pays in INR (compat 7): the currency of a legacy gateway order. */
const LEGACY_CURRENCY = 'INR';

type Moved = Partial<Record<(typeof FIELDS)[number], string>>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Issue 9: the storefront gateway's ids (`razorpayOrderId`, `razorpayPaymentId`,
 * `razorpaySignature`) leave the order documents for the payment records, where the answers now
 * read them (PaymentReferences). For each order still carrying them:
 * - the record of its gateway order (`intentId` = `razorpayOrderId`) gets the payment id and the
 *   signature where it lacks them;
 * - an order with no such record (written before payment records existed) gets one of gateway
 *   `razorpay-legacy`, left `pending`: it only answers the ids, and neither verify, refunds nor
 *   create-order treat it as a payment they can act on (exactly as before the move);
 * - the fields are unset on the order, their values kept in `gatewayIdsMovedBy003` so `down`
 *   puts them back (and removes what `up` added to the records).
 * One document at a time, guarded on the fields still present: safe to re-run after a crash.
 */
export const orderGatewayIds: Migration = {
  version: 3,
  name: 'order-gateway-ids',
  async up(db: Db) {
    const orders = db.collection<Record<string, unknown>>('orders');
    const payments = db.collection<Record<string, unknown>>('payments');
    const carrying = { $or: FIELDS.map((f) => ({ [f]: { $exists: true } })) };
    for (const doc of await orders.find(carrying).toArray()) {
      const moved: Moved = {};
      for (const f of FIELDS) {
        const v = str(doc[f]);
        if (v !== undefined) moved[f] = v;
      }
      const orderId = String(doc._id);
      const gatewayOrderId = moved.razorpayOrderId;
      if (gatewayOrderId !== undefined) {
        const record = await payments.findOne({ intentId: gatewayOrderId });
        if (record && record.orderId !== orderId) continue; // another order's: leave this one alone
        if (record) {
          const set: Record<string, string> = {};
          if (record.gatewayPaymentId == null && moved.razorpayPaymentId !== undefined) {
            set.gatewayPaymentId = moved.razorpayPaymentId;
          }
          if (record.signature == null && moved.razorpaySignature !== undefined) {
            set.signature = moved.razorpaySignature;
          }
          if (Object.keys(set).length > 0) {
            await payments.updateOne(
              { _id: record._id },
              { $set: { ...set, [RECORD_MARK]: Object.keys(set) } },
            );
          }
        } else {
          const at = doc.createdAt instanceof Date ? doc.createdAt : new Date(0);
          const total =
            typeof doc.total === 'number'
              ? doc.total
              : typeof doc.totalAmount === 'number'
                ? doc.totalAmount
                : 0;
          await payments.insertOne({
            _id: randomBytes(12).toString('hex') as never,
            orderId,
            userId: typeof doc.userId === 'string' ? doc.userId : '',
            gateway: LEGACY_CHECKOUT_GATEWAY,
            intentId: gatewayOrderId,
            amount: total,
            currency: LEGACY_CURRENCY,
            status: 'pending',
            refundedAmount: 0,
            ...(moved.razorpayPaymentId !== undefined ? { gatewayPaymentId: moved.razorpayPaymentId } : {}),
            ...(moved.razorpaySignature !== undefined ? { signature: moved.razorpaySignature } : {}),
            events: [{ type: 'created', at }],
            createdAt: at,
            updatedAt: at,
            version: 1,
            [RECORD_MARK]: 'record',
          });
        }
      }
      // Without a gateway order id there is no record to hold a payment id or signature: the
      // storefront never wrote those alone (verify needs the gateway order).
      const unset = Object.fromEntries(FIELDS.map((f) => [f, '' as const]));
      await orders.updateOne({ _id: doc._id }, { $set: { [MARK]: moved }, $unset: unset });
    }
  },
  async down(db: Db) {
    const orders = db.collection<Record<string, unknown>>('orders');
    const payments = db.collection<Record<string, unknown>>('payments');
    for (const doc of await orders.find({ [MARK]: { $exists: true } }).toArray()) {
      const moved = (doc[MARK] ?? {}) as Moved;
      await orders.updateOne({ _id: doc._id }, { $set: { ...moved }, $unset: { [MARK]: '' } });
    }
    await payments.deleteMany({ [RECORD_MARK]: 'record' });
    for (const r of await payments.find({ [RECORD_MARK]: { $type: 'array' } }).toArray()) {
      const unset: Record<string, ''> = { [RECORD_MARK]: '' };
      for (const f of r[RECORD_MARK] as string[]) unset[f] = '';
      await payments.updateOne({ _id: r._id }, { $unset: unset });
    }
  },
};
