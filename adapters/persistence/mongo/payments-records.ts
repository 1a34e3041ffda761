import { openCollection } from './open-collection.js';
import { Schema, type Connection, type Model } from 'mongoose';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import type { PaymentRecord, PaymentRecordEvent } from '../../../domain/payments/payment-record.js';
import type { PaymentRepository } from '../../../application/payments/ports.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

type PaymentDocument = { _id: string } & Omit<PaymentRecord, 'id'>;

export const PAYMENT_SCHEMA = new Schema(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    userId: { type: String, required: true },
    gateway: { type: String, required: true },
    intentId: { type: String, required: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true },
    status: { type: String, required: true },
    refundedAmount: { type: Number, default: 0 },
    gatewayPaymentId: String,
    signature: String,
    failureCode: String,
    events: [new Schema({ type: String, at: Date, eventId: String, detail: String }, { _id: false })],
    createdAt: { type: Date, required: true },
    updatedAt: Date,
    version: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'payments', id: false },
);
PAYMENT_SCHEMA.index({ intentId: 1 }, { unique: true });
PAYMENT_SCHEMA.index({ orderId: 1, createdAt: -1 });

function paymentModel(connection: Connection): Model<PaymentDocument> {
  return (connection.models.Payment ??
    connection.model('Payment', PAYMENT_SCHEMA)) as unknown as Model<PaymentDocument>;
}

function eventFromDocument(e: PaymentRecordEvent): PaymentRecordEvent {
  return {
    type: e.type,
    at: e.at,
    ...(e.eventId != null ? { eventId: e.eventId } : {}),
    ...(e.detail != null ? { detail: e.detail } : {}),
  };
}

function fromDocument(d: PaymentDocument): PaymentRecord {
  return {
    id: d._id,
    orderId: d.orderId,
    userId: d.userId,
    gateway: d.gateway,
    intentId: d.intentId,
    amount: d.amount,
    currency: d.currency,
    status: d.status,
    refundedAmount: d.refundedAmount ?? 0,
    ...(d.gatewayPaymentId != null ? { gatewayPaymentId: d.gatewayPaymentId } : {}),
    ...(d.signature != null ? { signature: d.signature } : {}),
    ...(d.failureCode != null ? { failureCode: d.failureCode } : {}),
    events: (d.events ?? []).map(eventFromDocument),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt ?? d.createdAt,
    version: d.version ?? 0,
  };
}

function toDocument(r: PaymentRecord): PaymentDocument {
  const { id, ...rest } = r;
  return { _id: id, ...structuredClone(rest) };
}

/** Payment records in `payments` (`_id` = record id, unique `intentId`); updates guarded by version. */
export class MongoPaymentRepository implements PaymentRepository {
  private readonly payments: Model<PaymentDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.payments = paymentModel(connection);
    this.locks = new DocumentLock(connection);
  }

  async create(record: PaymentRecord): Promise<Result<PaymentRecord, DomainError>> {
    const stored: PaymentRecord = { ...record, version: record.version + 1 };
    try {
      await this.payments.collection.insertOne(toDocument(stored) as never);
      return Ok(stored);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (await this.payments.collection.countDocuments({ _id: record.id } as never)) {
        return Err(domainError('CONFLICT', 'A payment with this id already exists', { field: 'id' }));
      }
      return Err(domainError('CONFLICT', 'A payment for this intent already exists', { field: 'intentId' }));
    }
  }

  async update(record: PaymentRecord): Promise<Result<PaymentRecord, DomainError>> {
    const result = await this.locks.exclusive(`payments:${record.id}`, async () => {
      const current = await this.payments.collection.findOne<PaymentDocument>({ _id: record.id } as never);
      if (!current) return 'missing' as const;
      const stored: PaymentRecord = { ...record, intentId: current.intentId, version: record.version + 1 };
      const r = await this.payments.collection.replaceOne(
        { _id: record.id, version: record.version } as never,
        toDocument(stored),
      );
      return r.matchedCount === 1 ? stored : ('conflict' as const);
    });
    if (result === 'missing') return Err(domainError('PAYMENT_NOT_FOUND', 'Payment not found'));
    if (result === 'conflict') {
      return Err(domainError('CONFLICT', 'The payment was changed by someone else, please retry'));
    }
    return Ok(result);
  }

  async findById(id: string): Promise<PaymentRecord | null> {
    const d = await this.payments.collection.findOne<PaymentDocument>({ _id: id } as never);
    return d ? fromDocument(d) : null;
  }

  async findByIntentId(intentId: string): Promise<PaymentRecord | null> {
    const d = await this.payments.collection.findOne<PaymentDocument>({ intentId });
    return d ? fromDocument(d) : null;
  }

  async findByOrderId(orderId: string): Promise<PaymentRecord[]> {
    const docs = await openCollection(this.payments)
      .find<PaymentDocument>({ orderId })
      .sort({ createdAt: -1, _id: -1 })
      .toArray();
    return docs.map(fromDocument);
  }

  async findByOrderIds(orderIds: readonly string[]): Promise<PaymentRecord[]> {
    if (orderIds.length === 0) return [];
    const docs = await openCollection(this.payments)
      .find<PaymentDocument>({ orderId: { $in: [...new Set(orderIds)] } })
      .toArray();
    return docs.map(fromDocument);
  }
}
