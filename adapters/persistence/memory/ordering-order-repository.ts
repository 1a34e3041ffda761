import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import type { Order } from '../../../domain/ordering/order.js';
import type { OrderEvent } from '../../../domain/ordering/events.js';
import type { DomainEvent } from '../../../domain/shared/events.js';
import { isAwaitingPayment } from '../../../domain/ordering/order-payment.js';
import {
  ORDER_KEYSET,
  type OrderFigures,
  type OrderListFilter,
  type OrderRepository,
} from '../../../application/ordering/ports.js';
import { keysetPage, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import type { Page } from '../../../application/shared/ports.js';
import type { MemoryDatabase } from './memory-database.js';

function newestFirst(a: Order, b: Order): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Orders in the `orders` collection (by id) with a unique index `orders.byNumber` (order number
 * to id). Every method checks and writes without awaiting in between, so each is atomic.
 */
export class MemoryOrderRepository implements OrderRepository {
  private readonly byId: Map<string, Order>;
  private readonly byNumber: Map<string, string>;
  /** Each order's pending events (its outbox), written in the same step as the order. */
  private readonly outbox: Map<string, readonly DomainEvent[]>;

  constructor(db: MemoryDatabase) {
    this.byId = db.collection<Order>('orders');
    this.byNumber = db.collection<string>('orders.byNumber');
    this.outbox = db.collection<readonly DomainEvent[]>('orders.outbox');
  }

  owns(type: string): boolean {
    return type.startsWith('ordering.');
  }

  async pending(before: Date, limit: number): Promise<DomainEvent[]> {
    return [...this.outbox.values()]
      .flat()
      .filter((e) => e.occurredAt.getTime() <= before.getTime())
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
      .slice(0, Math.max(0, limit));
  }

  async markDispatched(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      const pending = this.outbox.get(event.aggregateId);
      if (!pending) continue;
      const remaining = pending.filter((e) => e.id !== event.id);
      if (remaining.length > 0) this.outbox.set(event.aggregateId, remaining);
      else this.outbox.delete(event.aggregateId);
    }
  }

  private append(orderId: string, events: readonly OrderEvent[]): void {
    if (events.length > 0) this.outbox.set(orderId, [...(this.outbox.get(orderId) ?? []), ...events]);
  }

  async create(order: Order, events: readonly OrderEvent[]): Promise<Result<Order, DomainError>> {
    if (this.byId.has(order.id)) {
      return Err(domainError('CONFLICT', 'An order with this id already exists', { field: 'id' }));
    }
    if (this.byNumber.has(order.orderNumber)) {
      return Err(domainError('CONFLICT', 'Order number already in use', { field: 'orderNumber' }));
    }
    const stored: Order = { ...order, version: order.version + 1 };
    this.byId.set(stored.id, stored);
    this.byNumber.set(stored.orderNumber, stored.id);
    this.append(stored.id, events);
    return Ok(stored);
  }

  async update(order: Order, events: readonly OrderEvent[]): Promise<Result<Order, DomainError>> {
    const current = this.byId.get(order.id);
    if (!current) return Err(domainError('ORDER_NOT_FOUND', 'Order not found'));
    if (current.version !== order.version) {
      return Err(domainError('CONFLICT', 'The order was changed by someone else, please retry'));
    }
    if (current.orderNumber !== order.orderNumber) {
      if (this.byNumber.has(order.orderNumber)) {
        return Err(domainError('CONFLICT', 'Order number already in use', { field: 'orderNumber' }));
      }
      this.byNumber.delete(current.orderNumber);
      this.byNumber.set(order.orderNumber, order.id);
    }
    const stored: Order = { ...order, version: order.version + 1 };
    this.byId.set(stored.id, stored);
    this.append(stored.id, events);
    return Ok(stored);
  }

  async findById(id: string): Promise<Order | null> {
    return this.byId.get(id) ?? null;
  }

  async findByNumber(orderNumber: string): Promise<Order | null> {
    const id = this.byNumber.get(orderNumber);
    return id === undefined ? null : (this.byId.get(id) ?? null);
  }

  async findByUser(userId: string): Promise<Order[]> {
    return [...this.byId.values()].filter((o) => o.userId === userId).sort(newestFirst);
  }

  async list(filter: OrderListFilter, page: number, limit: number): Promise<Page<Order>> {
    const matching = [...this.byId.values()]
      .filter((o) => filter.status === undefined || o.status === filter.status)
      .filter((o) => filter.userId === undefined || o.userId === filter.userId)
      .sort(newestFirst);
    return { items: matching.slice((page - 1) * limit, page * limit), total: matching.length, page, limit };
  }

  async listAfter(filter: OrderListFilter, request: CursorRequest): Promise<CursorPage<Order>> {
    const matching = [...this.byId.values()]
      .filter((o) => filter.status === undefined || o.status === filter.status)
      .filter((o) => filter.userId === undefined || o.userId === filter.userId);
    return keysetPage(matching, ORDER_KEYSET, request);
  }

  async listCreatedBetween(from?: Date, to?: Date): Promise<Order[]> {
    const lo = from?.getTime() ?? -Infinity;
    const hi = to?.getTime() ?? Infinity;
    return [...this.byId.values()]
      .filter((o) => o.createdAt.getTime() >= lo && o.createdAt.getTime() <= hi)
      .sort((a, b) => -newestFirst(a, b));
  }

  async figuresBetween(from: Date, to: Date): Promise<OrderFigures[]> {
    return (await this.listCreatedBetween(from, to)).map((o) => ({
      id: o.id,
      createdAt: o.createdAt,
      status: o.status,
      total: o.total,
      refundAmount: o.refundAmount ?? 0,
    }));
  }

  async awaitingPayment(createdBefore: Date, limit: number): Promise<Order[]> {
    return [...this.byId.values()]
      .filter((o) => isAwaitingPayment(o) && o.createdAt.getTime() <= createdBefore.getTime())
      .sort((a, b) => -newestFirst(a, b))
      .slice(0, Math.max(0, limit));
  }
}
