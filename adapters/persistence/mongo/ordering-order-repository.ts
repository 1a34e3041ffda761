import { openCollection } from './open-collection.js';
import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent } from '../../../domain/shared/events.js';
import type { OrderEvent } from '../../../domain/ordering/events.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import {
  storefrontStatus,
  type GiftDetails,
  type Order,
  type OrderLine,
  type OrderOption,
  type PaymentInfo,
  type StatusChange,
} from '../../../domain/ordering/order.js';
import type { OrderProgressStatus, PaymentStatus } from '../../../domain/ordering/status.js';
import {
  DELIVERY_ACTIONS,
  DELIVERY_STATES,
  type DeliveryAction,
  type DeliveryDay,
  type DeliveryProgress,
  type DeliveryState,
  type DeliveryUpdate,
} from '../../../domain/ordering/delivery-progress.js';
import { makeOrderNumber } from '../../../domain/ordering/order-number.js';
import {
  ORDER_KEYSET,
  type OrderFigures,
  type OrderListFilter,
  type OrderRepository,
} from '../../../application/ordering/ports.js';
import { pageFrom, type CursorPage, type CursorRequest } from '../../../application/shared/cursor.js';
import { afterPosition, keysetSort } from './keyset.js';
import type { Page } from '../../../application/shared/ports.js';
import type { PiiCipher } from '../../../application/shared/pii.js';
import { DocumentLock } from './document-lock.js';
import { sealDocument, sealEvents } from './pii-fields.js';
import { isDuplicateKey } from './duplicate-key.js';

export const ORDERS_COLLECTION = 'orders';

/**
 * A stored order: the aggregate's fields (money in minor units) with `_id` = order id, plus
 * `totalAmount` (= total, the original schema's name). Documents written by other tools may lack
 * `orderNumber`, `totalAmount` and other fields: the mapper defaults them (compat rule 20) and
 * migration 002 backfills them.
 *
 * `orderStatus` and `paymentInfo.status` are the storefront's duplicates of the two statuses the
 * aggregate holds: written (derived) on every save so documents and queries keep them, never read
 * back (an old document whose copies disagree reads as its `status` and `paymentStatus` say).
 */
type OrderDocument = { _id: string; totalAmount?: number } & Partial<Omit<Order, 'id' | 'paymentInfo'>> & {
    orderStatus?: OrderProgressStatus;
    paymentInfo?: Partial<PaymentInfo> & { status?: PaymentStatus };
  };

const OptionSchema = new Schema({ name: String, price: Number }, { _id: false });

export const ORDER_SCHEMA = new Schema(
  {
    _id: { type: String, required: true },
    orderNumber: { type: String, required: true },
    userId: { type: String, required: true },
    items: [
      new Schema(
        {
          id: String,
          productId: String,
          name: String,
          unitPrice: Number,
          quantity: Number,
          size: OptionSchema,
          vase: OptionSchema,
          personalNote: String,
          image: String,
        },
        { _id: false },
      ),
    ],
    shippingAddress: {
      fullName: String,
      street: String,
      city: String,
      state: String,
      zipCode: String,
      country: String,
      phone: String,
    },
    paymentInfo: { method: String, paymentId: String, status: String },
    paymentStatus: String,
    status: { type: String, required: true },
    orderStatus: String,
    subtotal: Number,
    shippingFee: Number,
    tax: Number,
    discount: Number,
    total: { type: Number, required: true },
    totalAmount: Number,
    shippingMethod: String,
    estimatedDelivery: Date,
    trackingNumber: String,
    statusMessage: String,
    notes: String,
    promoCode: String,
    delivery: { type: new Schema({ date: String, slot: String }, { _id: false }), default: undefined },
    gift: {
      type: new Schema(
        { recipientName: String, recipientPhone: String, message: String, anonymous: Boolean },
        { _id: false },
      ),
      default: undefined,
    },
    statusHistory: [
      new Schema({ status: String, changedBy: String, changedAt: Date, note: String }, { _id: false }),
    ],
    source: String,
    paidAt: Date,
    refundedAt: Date,
    refundAmount: Number,
    expiry: { at: Date },
    /** Delivery progress (state, timeline, courier): read back by deliveryProgressFromDocument. */
    deliveryProgress: { type: Schema.Types.Mixed, default: undefined },
    /** Pending events (the outbox): written with the change that recorded them. */
    outbox: { type: [Schema.Types.Mixed], default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: Date,
    version: { type: Number, default: 0 },
  },
  { versionKey: false, collection: ORDERS_COLLECTION, id: false },
);
ORDER_SCHEMA.index({ orderNumber: 1 }, { unique: true });
ORDER_SCHEMA.index({ userId: 1, createdAt: -1 });
ORDER_SCHEMA.index({ status: 1, createdAt: -1 });
ORDER_SCHEMA.index({ createdAt: 1 });
ORDER_SCHEMA.index({ 'outbox.occurredAt': 1 });

export function orderModel(connection: Connection): Model<OrderDocument> {
  return (connection.models.Order ??
    connection.model('Order', ORDER_SCHEMA)) as unknown as Model<OrderDocument>;
}

/** The order number a document without one gets: stable, derived from its creation time and id. */
export function defaultOrderNumber(id: string, createdAt: Date): string {
  const n = Number.parseInt(id.slice(-6), 16);
  return makeOrderNumber(createdAt, Number.isFinite(n) ? n % 1000 : 0);
}

const option = (o: OrderOption): OrderOption => ({ name: o.name, price: o.price });

function lineFromDocument(l: OrderLine): OrderLine {
  return {
    id: l.id,
    productId: l.productId,
    name: l.name,
    unitPrice: l.unitPrice,
    quantity: l.quantity,
    ...(l.size ? { size: option(l.size) } : {}),
    ...(l.vase ? { vase: option(l.vase) } : {}),
    ...(l.personalNote != null ? { personalNote: l.personalNote } : {}),
    ...(l.image != null ? { image: l.image } : {}),
  };
}

function changeFromDocument(c: StatusChange): StatusChange {
  return {
    status: c.status,
    changedBy: c.changedBy,
    changedAt: c.changedAt,
    ...(c.note != null ? { note: c.note } : {}),
  };
}

function giftFromDocument(g: GiftDetails): GiftDetails {
  return {
    ...(g.recipientName != null ? { recipientName: g.recipientName } : {}),
    ...(g.recipientPhone != null ? { recipientPhone: g.recipientPhone } : {}),
    ...(g.message != null ? { message: g.message } : {}),
    anonymous: g.anonymous === true,
  };
}

const isDate = (v: unknown): v is Date => v instanceof Date && !Number.isNaN(v.getTime());
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function dayFromDocument(raw: unknown): DeliveryDay | undefined {
  const d = raw as { date?: unknown; slot?: unknown } | null | undefined;
  const date = text(d?.date);
  if (date === undefined) return undefined;
  const slot = text(d?.slot);
  return { date, ...(slot !== undefined ? { slot } : {}) };
}

function updateFromDocument(raw: Record<string, unknown>): DeliveryUpdate | null {
  const action = raw.action as DeliveryAction;
  if (!DELIVERY_ACTIONS.includes(action) || !isDate(raw.at)) return null;
  const optional = (['note', 'reason', 'recipientName', 'proofPhotoUrl'] as const).flatMap((k) => {
    const v = text(raw[k]);
    return v !== undefined ? [[k, v] as const] : [];
  });
  const rescheduledTo = dayFromDocument(raw.rescheduledTo);
  return {
    action,
    at: raw.at,
    by: text(raw.by) ?? '',
    ...Object.fromEntries(optional),
    ...(rescheduledTo !== undefined ? { rescheduledTo } : {}),
  };
}

/** A stored delivery progress; a malformed one (another writer's) reads as none. */
export function deliveryProgressFromDocument(raw: unknown): DeliveryProgress | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const p = raw as Record<string, unknown>;
  const state = p.state as DeliveryState;
  if (!DELIVERY_STATES.includes(state)) return undefined;
  const timeline = (Array.isArray(p.timeline) ? p.timeline : [])
    .map((u) =>
      u !== null && typeof u === 'object' ? updateFromDocument(u as Record<string, unknown>) : null,
    )
    .filter((u): u is DeliveryUpdate => u !== null);
  const c = p.courier as { id?: unknown; name?: unknown; phone?: unknown } | undefined;
  const courierName = text(c?.name);
  const phone = text(c?.phone);
  return {
    state,
    timeline,
    ...(courierName !== undefined
      ? { courier: { id: text(c?.id) ?? '', name: courierName, ...(phone !== undefined ? { phone } : {}) } }
      : {}),
    failedAttempts: typeof p.failedAttempts === 'number' ? p.failedAttempts : 0,
    ...(isDate(p.deliveredAt) ? { deliveredAt: p.deliveredAt } : {}),
  };
}

export function orderFromDocument(doc: OrderDocument): Order {
  const createdAt = doc.createdAt ?? new Date(0);
  const total = doc.total ?? doc.totalAmount ?? 0;
  const a = doc.shippingAddress;
  const status = doc.status ?? 'pending';
  const paymentStatus = doc.paymentStatus ?? doc.paymentInfo?.status ?? 'pending';
  const progress = deliveryProgressFromDocument(doc.deliveryProgress);
  return {
    id: doc._id,
    orderNumber: doc.orderNumber ?? defaultOrderNumber(doc._id, createdAt),
    userId: doc.userId ?? '',
    items: (doc.items ?? []).map(lineFromDocument),
    shippingAddress: {
      fullName: a?.fullName ?? '',
      street: a?.street ?? '',
      city: a?.city ?? '',
      state: a?.state ?? '',
      zipCode: a?.zipCode ?? '',
      country: a?.country ?? 'United States',
      ...(a?.phone != null ? { phone: a.phone } : {}),
    },
    paymentInfo: {
      method: doc.paymentInfo?.method ?? 'card',
      ...(doc.paymentInfo?.paymentId != null ? { paymentId: doc.paymentInfo.paymentId } : {}),
    },
    paymentStatus,
    status,
    subtotal: doc.subtotal ?? total,
    shippingFee: doc.shippingFee ?? 0,
    tax: doc.tax ?? 0,
    discount: doc.discount ?? 0,
    total,
    shippingMethod: doc.shippingMethod ?? 'standard',
    estimatedDelivery: doc.estimatedDelivery ?? createdAt,
    ...(doc.trackingNumber != null ? { trackingNumber: doc.trackingNumber } : {}),
    ...(doc.statusMessage != null ? { statusMessage: doc.statusMessage } : {}),
    ...(doc.notes != null ? { notes: doc.notes } : {}),
    ...(doc.promoCode != null ? { promoCode: doc.promoCode } : {}),
    ...(doc.delivery?.date != null && doc.delivery.slot != null
      ? { delivery: { date: doc.delivery.date, slot: doc.delivery.slot } }
      : {}),
    ...(doc.gift != null ? { gift: giftFromDocument(doc.gift) } : {}),
    statusHistory: (doc.statusHistory ?? []).map(changeFromDocument),
    source: doc.source ?? 'request',
    ...(doc.paidAt != null ? { paidAt: doc.paidAt } : {}),
    ...(doc.refundedAt != null ? { refundedAt: doc.refundedAt } : {}),
    ...(doc.refundAmount != null ? { refundAmount: doc.refundAmount } : {}),
    ...(doc.expiry?.at != null ? { expiry: { at: doc.expiry.at } } : {}),
    ...(progress !== undefined ? { deliveryProgress: progress } : {}),
    createdAt,
    updatedAt: doc.updatedAt ?? createdAt,
    version: doc.version ?? 0,
  };
}

/** The order's top-level fields (the outbox aside): an update unsets those the order lacks. */
const ORDER_FIELDS = [...new Set(Object.keys(ORDER_SCHEMA.paths).map((p) => p.split('.')[0]!))].filter(
  (f) => f !== '_id' && f !== 'outbox',
);

const MARK_ATTEMPTS = 5;

/** An event as the outbox keeps it. */
interface StoredEvent {
  id: string;
  type: string;
  aggregateId: string;
  occurredAt: Date;
  payload: unknown;
}

function eventToDocument(e: DomainEvent): StoredEvent {
  return {
    id: e.id,
    type: e.type,
    aggregateId: e.aggregateId,
    occurredAt: e.occurredAt,
    payload: structuredClone(e.payload),
  };
}

function eventFromDocument(e: StoredEvent): DomainEvent {
  return { id: e.id, type: e.type, aggregateId: e.aggregateId, occurredAt: e.occurredAt, payload: e.payload };
}

function toDocument(order: Order): OrderDocument {
  const { id, ...rest } = order;
  // A structured clone drops nothing but `undefined`s (the domain never holds them).
  const doc = structuredClone(rest);
  return {
    _id: id,
    ...doc,
    paymentInfo: { ...doc.paymentInfo, status: order.paymentStatus },
    orderStatus: storefrontStatus(order),
    totalAmount: order.total,
  };
}

/** Matches the stored version; a document written without one counts as version 0. */
function versionIs(version: number): Record<string, unknown> {
  return version === 0 ? { $or: [{ version: 0 }, { version: { $exists: false } }] } : { version };
}

const numberTaken = (): DomainError =>
  domainError('CONFLICT', 'Order number already in use', { field: 'orderNumber' });

/**
 * Orders in `orders` (`_id` = order id) with a unique `orderNumber` index. create inserts (a
 * duplicate names the field it hit, so PlaceOrder renumbers on `orderNumber`); update replaces
 * the whole document guarded by its version.
 */
export class MongoOrderRepository implements OrderRepository {
  private readonly orders: Model<OrderDocument>;
  private readonly locks: DocumentLock;

  constructor(
    connection: Connection,
    private readonly cipher: PiiCipher,
  ) {
    this.orders = orderModel(connection);
    this.locks = new DocumentLock(connection);
  }

  owns(type: string): boolean {
    return type.startsWith('ordering.');
  }

  async pending(before: Date, limit: number): Promise<DomainEvent[]> {
    if (limit < 1) return [];
    const docs = await openCollection(this.orders)
      .find<{ outbox?: StoredEvent[] }>({ 'outbox.occurredAt': { $lte: before } } as never, {
        projection: { outbox: 1 },
      })
      .limit(limit)
      .toArray();
    const opened = await Promise.all(docs.map((d) => this.cipher.openAll(d)));
    return opened
      .flatMap((d) => (d.outbox ?? []).map(eventFromDocument))
      .filter((e) => e.occurredAt.getTime() <= before.getTime())
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
      .slice(0, limit);
  }

  /**
   * Takes events out of their orders' outboxes: a compare-and-set on the order's version and
   * outbox length (FerretDB cannot `$pull` by a field of an array element), retried after a
   * concurrent write. Dispatching never bumps the version, so it never conflicts with a change.
   */
  async markDispatched(events: readonly DomainEvent[]): Promise<void> {
    const byOrder = new Map<string, Set<string>>();
    for (const e of events) byOrder.set(e.aggregateId, (byOrder.get(e.aggregateId) ?? new Set()).add(e.id));
    for (const [orderId, ids] of byOrder) {
      for (let attempt = 0; attempt < MARK_ATTEMPTS; attempt++) {
        const doc = await this.orders.collection.findOne<{ version?: number; outbox?: StoredEvent[] }>(
          { _id: orderId } as never,
          { projection: { version: 1, outbox: 1 } },
        );
        const outbox = doc?.outbox ?? [];
        const remaining = outbox.filter((e) => !ids.has(e.id));
        if (!doc || remaining.length === outbox.length) break;
        const result = await this.locks.exclusive(`orders:${orderId}`, () =>
          this.orders.collection.updateOne(
            { _id: orderId, ...versionIs(doc.version ?? 0), outbox: { $size: outbox.length } } as never,
            remaining.length > 0 ? { $set: { outbox: remaining } } : { $unset: { outbox: '' } },
          ),
        );
        if (result.matchedCount === 1) break;
      }
    }
  }

  async create(order: Order, events: readonly OrderEvent[]): Promise<Result<Order, DomainError>> {
    const stored: Order = { ...order, version: order.version + 1 };
    try {
      await this.cipher.ready();
      const document = sealDocument(this.cipher, 'orders', toDocument(stored));
      const outbox = sealEvents(this.cipher, events.map(eventToDocument));
      await this.orders.collection.insertOne(
        (events.length > 0 ? { ...document, outbox } : document) as never,
      );
      return Ok(stored);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // FerretDB does not say which index refused: look (the id first, as the contract says).
      if (await this.orders.collection.countDocuments({ _id: order.id } as never)) {
        return Err(domainError('CONFLICT', 'An order with this id already exists', { field: 'id' }));
      }
      return Err(numberTaken());
    }
  }

  async update(order: Order, events: readonly OrderEvent[]): Promise<Result<Order, DomainError>> {
    const stored: Order = { ...order, version: order.version + 1 };
    let matched: number;
    try {
      // The fields the change holds are set, the ones it lacks unset, and its events appended
      // to the outbox — one single-document write, guarded by the version.
      await this.cipher.ready();
      const { _id, ...fields } = sealDocument(this.cipher, 'orders', toDocument(stored));
      const outbox = sealEvents(this.cipher, events.map(eventToDocument));
      const absent = Object.fromEntries(
        ORDER_FIELDS.filter((f) => !(f in fields)).map((f) => [f, ''] as const),
      );
      const result = await this.locks.exclusive(`orders:${order.id}`, () =>
        this.orders.collection.updateOne(
          { _id, ...versionIs(order.version) } as never,
          {
            $set: fields,
            ...(Object.keys(absent).length > 0 ? { $unset: absent } : {}),
            ...(events.length > 0 ? { $push: { outbox: { $each: outbox } } } : {}),
          } as never,
        ),
      );
      matched = result.matchedCount;
    } catch (error) {
      if (isDuplicateKey(error)) return Err(numberTaken());
      throw error;
    }
    if (matched === 1) return Ok(stored);
    if (!(await this.orders.collection.countDocuments({ _id: order.id } as never))) {
      return Err(domainError('ORDER_NOT_FOUND', 'Order not found'));
    }
    return Err(domainError('CONFLICT', 'The order was changed by someone else, please retry'));
  }

  async findById(id: string): Promise<Order | null> {
    const doc = await this.orders.collection.findOne<OrderDocument>({ _id: id } as never);
    return doc ? this.read(doc) : null;
  }

  async findByNumber(orderNumber: string): Promise<Order | null> {
    const doc = await this.orders.collection.findOne<OrderDocument>({ orderNumber });
    return doc ? this.read(doc) : null;
  }

  private async read(doc: OrderDocument): Promise<Order> {
    return orderFromDocument(await this.cipher.openAll(doc));
  }

  private readAll(docs: readonly OrderDocument[]): Promise<Order[]> {
    return Promise.all(docs.map((d) => this.read(d)));
  }

  async findByUser(userId: string): Promise<Order[]> {
    const docs = await openCollection(this.orders)
      .find<OrderDocument>({ userId })
      .sort({ createdAt: -1, _id: -1 })
      .toArray();
    return this.readAll(docs);
  }

  async list(filter: OrderListFilter, page: number, limit: number): Promise<Page<Order>> {
    const query: Record<string, unknown> = {};
    if (filter.status !== undefined) query.status = filter.status;
    if (filter.userId !== undefined) query.userId = filter.userId;
    if (limit < 1)
      return { items: [], total: await this.orders.collection.countDocuments(query), page, limit };
    const [docs, total] = await Promise.all([
      openCollection(this.orders)
        .find<OrderDocument>(query)
        .sort({ createdAt: -1, _id: -1 })
        .skip(Math.max(0, (page - 1) * limit))
        .limit(limit)
        .toArray(),
      this.orders.collection.countDocuments(query),
    ]);
    return { items: await this.readAll(docs), total, page, limit };
  }

  async listAfter(filter: OrderListFilter, request: CursorRequest): Promise<CursorPage<Order>> {
    const query: Record<string, unknown> = {};
    if (filter.status !== undefined) query.status = filter.status;
    if (filter.userId !== undefined) query.userId = filter.userId;
    const [docs, total] = await Promise.all([
      openCollection(this.orders)
        .find<OrderDocument>(afterPosition(query, ORDER_KEYSET, request.after))
        .sort(keysetSort(ORDER_KEYSET))
        .limit(request.limit + 1)
        .toArray(),
      this.orders.collection.countDocuments(query),
    ]);
    return pageFrom(await this.readAll(docs), ORDER_KEYSET, request.limit, total);
  }

  async listCreatedBetween(from?: Date, to?: Date): Promise<Order[]> {
    const createdAt: Record<string, Date> = {};
    if (from) createdAt.$gte = from;
    if (to) createdAt.$lte = to;
    const docs = await openCollection(this.orders)
      .find<OrderDocument>(Object.keys(createdAt).length ? { createdAt } : {})
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return this.readAll(docs);
  }

  /** A projection over the createdAt index: old documents read with the mapper's defaults. */
  async figuresBetween(from: Date, to: Date): Promise<OrderFigures[]> {
    const docs = await openCollection(this.orders)
      .find<OrderDocument>(
        { createdAt: { $gte: from, $lte: to } },
        { projection: { createdAt: 1, status: 1, total: 1, totalAmount: 1, refundAmount: 1 } },
      )
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return docs.map((d) => ({
      id: d._id,
      createdAt: d.createdAt ?? new Date(0),
      status: d.status ?? 'pending',
      total: d.total ?? d.totalAmount ?? 0,
      refundAmount: d.refundAmount ?? 0,
    }));
  }

  async awaitingPayment(createdBefore: Date, limit: number): Promise<Order[]> {
    if (limit < 1) return [];
    const docs = await openCollection(this.orders)
      .find<OrderDocument>({
        status: 'pending',
        paymentStatus: { $in: ['pending', 'failed'] },
        createdAt: { $lte: createdBefore },
      })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return this.readAll(docs);
  }
}
