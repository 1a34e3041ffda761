/**
 * The shared test kit: time, ids and events under the test's control, and object mothers that
 * build valid aggregates with sensible defaults (override only what the test is about).
 */
import type { AppLogger, Clock, IdGenerator } from '../../application/shared/ports.js';
import type { EventOutbox, StagedEventOutbox } from '../../application/shared/event-ports.js';
import { EventDispatcher } from '../../application/shared/event-dispatcher.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryHandledEventStore } from '../../adapters/persistence/memory/events-handled.js';
import { MemoryStagedEventOutbox } from '../../adapters/persistence/memory/events-outbox.js';
import { LocalEventFanout } from '../../adapters/system/local-event-fanout.js';
import type { DomainEvent } from '../../domain/shared/events.js';
import { createUser, type User } from '../../domain/identity/user.js';
import type { Product } from '../../domain/catalog/product.js';
import { newCart, type Cart, type CartItem } from '../../domain/cart/cart.js';
import {
  placeOrder,
  type NewOrder,
  type Order,
  type OrderChange,
  type OrderLine,
} from '../../domain/ordering/order.js';
import type { OrderStatus } from '../../domain/ordering/status.js';

/** The instant every test starts at unless it says otherwise. */
export const FIXED_NOW = new Date('2026-06-01T10:00:00.000Z');

let seq = 0;

/** A fresh 24-hex id, distinct within the test run. */
export function testId(): string {
  seq += 1;
  return `feed${seq.toString(16).padStart(20, '0')}`;
}

/** A clock that only moves when the test moves it. Each `now()` is a fresh Date of the current instant. */
export class TestClock implements Clock {
  private ms: number;
  constructor(start: Date | number = FIXED_NOW) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(at: Date | string | number): void {
    this.ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
  }
}

/**
 * Ids 1, 2, 3… as 24 hex characters behind `prefix`; the default prefix keeps them apart from
 * `testId()`'s and from hand-written ids such as '000000000000000000000001'.
 */
export class SequentialIds implements IdGenerator {
  private n = 0;
  constructor(private readonly prefix = '0d') {}
  next(): string {
    this.n += 1;
    return `${this.prefix}${this.n.toString(16).padStart(24 - this.prefix.length, '0')}`;
  }
}

/**
 * An EventBus that records what is published and runs the subscribed handlers (of the event's
 * type, then '*') before `publish` returns, so tests see the reactions without waiting.
 */
const quiet: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The real event dispatcher on the memory adapters (handled-event store, no fan-out), recording
 * what is published, in order. Pass the outboxes (e.g. the order repository) to have delivered
 * events marked dispatched, and the MemoryDatabase the stores under test share.
 */
export class RecordingBus extends EventDispatcher {
  readonly published: DomainEvent[] = [];
  /** The notices' write-ahead outbox: what is staged and not yet dispatched or discarded. */
  readonly stagedOutbox: StagedEventOutbox;

  constructor(
    options: {
      readonly db?: MemoryDatabase;
      readonly outboxes?: readonly EventOutbox[];
      /** The notices' write-ahead outbox (a memory one on `db` unless given). */
      readonly staged?: StagedEventOutbox;
      readonly clock?: Clock;
      readonly logger?: AppLogger;
    } = {},
  ) {
    const db = options.db ?? new MemoryDatabase();
    const staged = options.staged ?? new MemoryStagedEventOutbox(db);
    super(
      options.outboxes ?? [],
      staged,
      new MemoryHandledEventStore(db),
      new LocalEventFanout(),
      options.clock ?? { now: () => new Date() },
      { claimLeaseMs: 300_000 },
      options.logger ?? quiet,
    );
    this.stagedOutbox = staged;
  }

  override async publish(events: readonly DomainEvent[]): Promise<void> {
    this.published.push(...events);
    await super.publish(events);
  }

  /** Whether anything subscribed to `type`. */
  hasSubscriber(type: string): boolean {
    return this.handlersOf(type).length > 0;
  }

  /** The types published so far, in order. */
  types(): string[] {
    return this.published.map((e) => e.type);
  }

  /** The published events of one type. */
  ofType(type: string): DomainEvent[] {
    return this.published.filter((e) => e.type === type);
  }
}

/** A complete shipping address every order form accepts. */
export const ADDRESS = {
  fullName: 'Asha Rao',
  street: '1 MG Road',
  city: 'Pune',
  state: 'MH',
  zipCode: '411001',
  country: 'India',
  phone: '+91 98765 43210',
};

/** A fresh active shopper (domain `createUser`, version 0, unique id and email). */
export function aUser(overrides: Partial<User> = {}): User {
  return {
    ...createUser({
      id: testId(),
      fullName: 'Test Shopper',
      email: `shopper.${testId()}@example.com`,
      passwordHash: 'x',
      now: FIXED_NOW,
    }),
    ...overrides,
  };
}

/** A valid product with sensible defaults; prices in minor units. */
export function aProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: testId(),
    name: 'Test Roses',
    description: 'A test bouquet',
    price: 129900,
    images: [{ id: testId(), url: 'https://img.example/roses.jpg', alt: 'Roses', isPrimary: true }],
    categoryId: null,
    occasions: ['birthday'],
    flowerTypes: ['roses'],
    colors: ['red'],
    sizes: [
      { id: testId(), name: 'standard', price: 0 },
      { id: testId(), name: 'deluxe', price: 50000 },
    ],
    vases: [
      { id: testId(), name: 'default', price: 0 },
      { id: testId(), name: 'premium', price: 30000 },
    ],
    inventory: { stock: 20, lowStockThreshold: 10, isAvailable: true },
    ratings: { average: 4.5, count: 10 },
    tags: ['test'],
    isFeatured: false,
    isPopular: false,
    seo: { keywords: [] },
    salesCount: 0,
    createdAt: FIXED_NOW,
    updatedAt: FIXED_NOW,
    version: 1,
    ...overrides,
  };
}

export type CartSpec = Partial<Omit<Cart, 'items'>> & {
  /** Lines without an id get a fresh one. */
  readonly items?: readonly (Omit<CartItem, 'id'> & { readonly id?: string })[];
};

/** An empty cart of a fresh user (domain `newCart`), or with the lines and fields given. */
export function aCart(spec: CartSpec = {}): Cart {
  const { items = [], ...fields } = spec;
  return {
    ...newCart(testId(), spec.userId ?? testId(), FIXED_NOW),
    items: items.map((item) => ({ ...item, id: item.id ?? testId() })),
    ...fields,
  };
}

/** A product id (one unit at 1000.00) or a line with the fields given. */
export type OrderLineSpec = string | (Partial<OrderLine> & { readonly productId: string });

export type OrderSpec = Partial<Omit<NewOrder, 'items'>> & {
  readonly items?: readonly OrderLineSpec[];
};

let orderNumbers = 0;

/**
 * The domain's `placeOrder` with defaults: a fresh user's order of one unit of a fresh product,
 * with a well-formed order number of its own (AF-7xxxxxxxx).
 */
export function aPlacedOrder(spec: OrderSpec = {}): OrderChange {
  const { items = [testId()], ...fields } = spec;
  orderNumbers += 1;
  const placed = placeOrder({
    id: testId(),
    orderNumber: `AF-${700_000_000 + orderNumbers}`,
    userId: testId(),
    shippingAddress: ADDRESS,
    source: 'request',
    now: FIXED_NOW,
    ...fields,
    items: items.map((line) => ({
      id: testId(),
      name: 'Flowers',
      unitPrice: 100000,
      quantity: 1,
      ...(typeof line === 'string' ? { productId: line } : line),
    })),
  });
  if (placed.isErr()) throw new Error(`anOrder: ${placed.error.message}`);
  return placed.value;
}

/** A placed order (see `aPlacedOrder`), optionally moved straight to `status`. */
export function anOrder(spec: OrderSpec & { readonly status?: OrderStatus } = {}): Order {
  const { status, ...rest } = spec;
  const { order } = aPlacedOrder(rest);
  return status ? { ...order, status } : order;
}
