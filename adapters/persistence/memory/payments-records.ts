import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import type { PaymentRecord } from '../../../domain/payments/payment-record.js';
import type { PaymentRepository } from '../../../application/payments/ports.js';
import type { MemoryDatabase } from './memory-database.js';

/**
 * Payment records in `payments` (by id) with a unique index `payments.byIntent` (gateway intent
 * id to record id). Each method checks and writes without awaiting in between (atomic).
 */
export class MemoryPaymentRepository implements PaymentRepository {
  private readonly byId: Map<string, PaymentRecord>;
  private readonly byIntent: Map<string, string>;

  constructor(db: MemoryDatabase) {
    this.byId = db.collection<PaymentRecord>('payments');
    this.byIntent = db.collection<string>('payments.byIntent');
  }

  async create(record: PaymentRecord): Promise<Result<PaymentRecord, DomainError>> {
    if (this.byId.has(record.id)) {
      return Err(domainError('CONFLICT', 'A payment with this id already exists', { field: 'id' }));
    }
    if (this.byIntent.has(record.intentId)) {
      return Err(domainError('CONFLICT', 'A payment for this intent already exists', { field: 'intentId' }));
    }
    const stored: PaymentRecord = { ...record, version: record.version + 1 };
    this.byId.set(stored.id, stored);
    this.byIntent.set(stored.intentId, stored.id);
    return Ok(stored);
  }

  async update(record: PaymentRecord): Promise<Result<PaymentRecord, DomainError>> {
    const current = this.byId.get(record.id);
    if (!current) return Err(domainError('PAYMENT_NOT_FOUND', 'Payment not found'));
    if (current.version !== record.version) {
      return Err(domainError('CONFLICT', 'The payment was changed by someone else, please retry'));
    }
    // The intent id is the record's identity at the gateway: it never changes.
    const stored: PaymentRecord = { ...record, intentId: current.intentId, version: record.version + 1 };
    this.byId.set(stored.id, stored);
    return Ok(stored);
  }

  async findById(id: string): Promise<PaymentRecord | null> {
    return this.byId.get(id) ?? null;
  }

  async findByIntentId(intentId: string): Promise<PaymentRecord | null> {
    const id = this.byIntent.get(intentId);
    return id === undefined ? null : (this.byId.get(id) ?? null);
  }

  async findByOrderId(orderId: string): Promise<PaymentRecord[]> {
    return [...this.byId.values()]
      .filter((r) => r.orderId === orderId)
      .sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
      );
  }

  async findByOrderIds(orderIds: readonly string[]): Promise<PaymentRecord[]> {
    const wanted = new Set(orderIds);
    return [...this.byId.values()].filter((r) => wanted.has(r.orderId));
  }
}
