import type { Product } from '../../domain/catalog/product.js';
import { stockChanged } from '../../domain/catalog/events.js';
import { withStock } from '../../domain/catalog/product-rules.js';
import {
  MOVEMENT_REASONS,
  ledgerSum,
  outOfStockDays,
  sellThrough,
  type MovementReason,
  type StockMovement,
} from '../../domain/inventory/movement.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import type { Money } from '../../domain/shared/money.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { ProductRepository } from '../catalog/index.js';
import type { AppLogger, Clock, EventBus, IdGenerator } from '../shared/ports.js';
import type {
  BackInStockMessages,
  MovementFilter,
  StockLedger,
  StockNotifyRepository,
  StockStore,
} from './ports.js';
import { writeWithNotices } from '../shared/staged-notices.js';

const invalidId = () => Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));
const notFound = () => Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
const negative = () => Err(domainError('NEGATIVE_STOCK', 'Inventory stock cannot be negative'));

export interface StockChangeOutcome {
  readonly product: Product;
  readonly before: number;
  readonly after: number;
  /** Back-in-stock mails sent by this change. */
  readonly notified: number;
}

/**
 * Sends the back-in-stock message to every open request of a product that went from 0 to > 0,
 * through the notification system (stored, queued, retried, recorded). The message is sent
 * first — idempotent by request id, so parallel restocks or instances make one — and the request
 * is marked notified after: a crash in between leaves it open and the next restock finds the
 * message already sent. Answers how many requests this call closed.
 */
export class NotifyBackInStock {
  constructor(
    private readonly requests: StockNotifyRepository,
    private readonly messages: BackInStockMessages,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: { product: Product }): Promise<Result<number, DomainError>> {
    let sent = 0;
    for (const request of await this.requests.open(input.product.id)) {
      try {
        await this.messages.send({
          requestId: request.id,
          email: request.email,
          productId: input.product.id,
          productName: input.product.name,
        });
      } catch (error) {
        this.logger.error('back-in-stock message not recorded; the request stays open', {
          requestId: request.id,
          message: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      if (await this.requests.markNotified(request.id, this.clock.now())) sent++;
    }
    return Ok(sent);
  }
}

type StockOutcome =
  { ok: true; before: number; after: number } | { ok: false; reason: 'not_found' | 'negative' };

/**
 * A stock write with its `catalog.stock-changed` notice staged first (writeWithNotices): the
 * notice staged carries the stock expected from the stock read just ahead; the one published
 * carries the stock the write ended with. Its handlers read the current state either way.
 */
async function stockWrite(
  events: EventBus,
  clock: Clock,
  ids: IdGenerator,
  productId: string,
  expected: number,
  write: () => Promise<StockOutcome>,
): Promise<StockOutcome> {
  const changeKey = ids.next();
  const now = clock.now();
  return writeWithNotices(events, [stockChanged(productId, expected, now, changeKey)], write, (outcome) =>
    outcome.ok ? [stockChanged(productId, outcome.after, now, changeKey)] : false,
  );
}

/** The shared tail of every stock change: back-in-stock mails, fresh product. */
async function afterChange(
  products: ProductRepository,
  notify: NotifyBackInStock,
  productId: string,
  before: number,
  after: number,
): Promise<Result<StockChangeOutcome, DomainError>> {
  const product = await products.findById(productId);
  if (!product) return notFound();
  let notified = 0;
  if (before <= 0 && after > 0) notified = (await notify.execute({ product })).unwrapOr(0);
  return Ok({ product, before, after, notified });
}

/** Admin: set the stock or adjust it by a signed amount with a reason; never below zero. */
export class ChangeStock {
  constructor(
    private readonly products: ProductRepository,
    private readonly stock: StockStore,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly notify: NotifyBackInStock,
  ) {}

  async execute(input: {
    productId: string;
    set?: number;
    adjust?: number;
    reason?: string;
    actor: string;
  }): Promise<Result<StockChangeOutcome, DomainError>> {
    if (!isEntityId(input.productId)) return invalidId();
    if ((input.set === undefined) === (input.adjust === undefined)) {
      return Err(domainError('VALIDATION_FAILED', 'Give exactly one of set or adjust'));
    }
    const meta = {
      actor: input.actor,
      reason: 'adjustment' as const,
      reference: input.reason?.trim() ?? '',
    };
    const delta = input.adjust;
    if (input.set !== undefined && (!Number.isSafeInteger(input.set) || input.set < 0)) return negative();
    const current = await this.products.findById(input.productId);
    if (!current) return notFound();
    const outcome = await stockWrite(
      this.events,
      this.clock,
      this.ids,
      input.productId,
      delta !== undefined ? current.inventory.stock + delta : input.set!,
      () =>
        delta !== undefined
          ? this.stock.adjustStock(input.productId, delta, meta)
          : this.setStock(current, input.set!, meta),
    );
    if (!outcome.ok) return outcome.reason === 'not_found' ? notFound() : negative();
    return afterChange(this.products, this.notify, input.productId, outcome.before, outcome.after);
  }

  /** An atomic set (the ledger gets the difference); `before` is read just ahead, for the mails. */
  private async setStock(
    current: Product,
    stock: number,
    meta: { actor: string; reference: string },
  ): Promise<StockOutcome> {
    if (!Number.isSafeInteger(stock) || stock < 0) return { ok: false, reason: 'negative' };
    if (!(await this.stock.setStock(current.id, stock, { ...meta, reason: 'adjustment' }))) {
      return { ok: false, reason: 'not_found' };
    }
    return { ok: true, before: current.inventory.stock, after: stock };
  }
}

/** Sets a product's stock (admin, CLI `product:stock <id> <n>`). */
export class SetProductStock {
  constructor(
    private readonly products: ProductRepository,
    private readonly stock: StockStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: EventBus,
  ) {}

  async execute(input: { productId: string; stock: number }): Promise<Result<Product, DomainError>> {
    if (!isEntityId(input.productId)) return Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));
    const product = await this.products.findById(input.productId);
    if (!product) return notFound();
    const now = this.clock.now();
    const checked = withStock(product, input.stock, now);
    if (checked.isErr()) return checked;
    const notice = stockChanged(input.productId, input.stock, now, this.ids.next());
    const set = await writeWithNotices(
      this.events,
      [notice],
      () => this.stock.setStock(input.productId, input.stock),
      (found) => found,
    );
    if (!set) return notFound();
    const after = await this.products.findById(input.productId);
    return after ? Ok(after) : notFound();
  }
}

/** Receives stock (a delivery): a `restock` movement, then back-in-stock mails. */
export class RestockProduct {
  constructor(
    private readonly products: ProductRepository,
    private readonly stock: StockStore,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly notify: NotifyBackInStock,
  ) {}

  async execute(input: {
    productId: string;
    quantity: number;
    reference?: string;
    actor: string;
  }): Promise<Result<StockChangeOutcome & { reference: string }, DomainError>> {
    if (!isEntityId(input.productId)) return invalidId();
    if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
      return Err(domainError('INVALID_QUANTITY', 'Quantity must be a positive whole number'));
    }
    const reference = input.reference?.trim() || `restock-${this.ids.next()}`;
    const current = await this.products.findById(input.productId);
    if (!current) return notFound();
    const outcome = await stockWrite(
      this.events,
      this.clock,
      this.ids,
      input.productId,
      current.inventory.stock + input.quantity,
      () =>
        this.stock.adjustStock(input.productId, input.quantity, {
          actor: input.actor,
          reason: 'restock',
          reference,
        }),
    );
    if (!outcome.ok) return outcome.reason === 'not_found' ? notFound() : negative();
    const done = await afterChange(
      this.products,
      this.notify,
      input.productId,
      outcome.before,
      outcome.after,
    );
    return done.map((d) => ({ ...d, reference }));
  }
}

/** A shopper asks to be told when the product is back in stock. */
export class RequestStockNotification {
  constructor(
    private readonly products: ProductRepository,
    private readonly requests: StockNotifyRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: {
    productId: string;
    userId: string;
    email: string;
  }): Promise<Result<{ id: string; productId: string; inStock: boolean }, DomainError>> {
    if (!isEntityId(input.productId)) return invalidId();
    const product = await this.products.findById(input.productId);
    if (!product) return notFound();
    const saved = await this.requests.add({
      id: this.ids.next(),
      productId: input.productId,
      userId: input.userId,
      email: input.email,
      createdAt: this.clock.now(),
      notifiedAt: null,
    });
    return Ok({ id: saved.id, productId: saved.productId, inStock: product.inventory.stock > 0 });
  }
}

export interface LowStockItem {
  readonly product: Product;
  readonly stock: number;
  readonly threshold: number;
}

/** Products at or below their own low-stock threshold, lowest stock first. */
export class ListLowStock {
  constructor(private readonly products: ProductRepository) {}

  async execute(): Promise<Result<LowStockItem[], DomainError>> {
    const all = await this.products.all();
    return Ok(
      all
        .filter((p) => p.inventory.stock <= p.inventory.lowStockThreshold)
        .sort((a, b) => a.inventory.stock - b.inventory.stock || (a.id < b.id ? -1 : 1))
        .map((p) => ({ product: p, stock: p.inventory.stock, threshold: p.inventory.lowStockThreshold })),
    );
  }
}

export interface ListMovementsInput {
  readonly productId?: string;
  readonly reason?: MovementReason;
  readonly from?: Date;
  readonly to?: Date;
  readonly page: number;
  readonly limit: number;
}

/** The ledger, newest first, paginated. */
export class ListMovements {
  constructor(private readonly ledger: StockLedger) {}

  async execute(
    input: ListMovementsInput,
  ): Promise<Result<{ items: StockMovement[]; total: number; page: number; pages: number }, DomainError>> {
    if (input.productId !== undefined && !isEntityId(input.productId)) return invalidId();
    const filter: MovementFilter = {
      ...(input.productId ? { productId: input.productId } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
    };
    const { items, total } = await this.ledger.list(filter, input.page, input.limit);
    return Ok({ items, total, page: input.page, pages: Math.ceil(total / input.limit) });
  }
}

export interface InventoryOverview {
  readonly totalProducts: number;
  readonly totalUnits: number;
  readonly stockValue: Money;
  readonly lowStock: number;
  readonly outOfStock: number;
}

export class GetInventoryOverview {
  constructor(private readonly products: ProductRepository) {}

  async execute(): Promise<Result<InventoryOverview, DomainError>> {
    const all = await this.products.all();
    return Ok({
      totalProducts: all.length,
      totalUnits: all.reduce((n, p) => n + p.inventory.stock, 0),
      stockValue: all.reduce((n, p) => n + p.inventory.stock * p.price, 0),
      lowStock: all.filter((p) => p.inventory.stock > 0 && p.inventory.stock <= p.inventory.lowStockThreshold)
        .length,
      outOfStock: all.filter((p) => p.inventory.stock <= 0).length,
    });
  }
}

export interface ReportRow {
  readonly productId: string;
  readonly name: string;
  readonly price: Money;
  readonly stock: number;
  readonly stockValue: Money;
  readonly sold: number;
  readonly restocked: number;
  readonly movements: number;
  readonly sellThrough: number;
  readonly outOfStockDays: number;
}

export interface InventoryReport {
  readonly from: Date;
  readonly to: Date;
  readonly totalStockValue: Money;
  readonly movementsByReason: Record<MovementReason, number>;
  readonly rows: ReportRow[];
}

const DEFAULT_PERIOD_MS = 30 * 86_400_000;

/**
 * Stock value at price, movements over [from, to], sell-through = sold / (sold + on hand) where
 * sold is the net units taken by orders in the period, out-of-stock days from the ledger.
 */
export class GetInventoryReport {
  constructor(
    private readonly products: ProductRepository,
    private readonly ledger: StockLedger,
    private readonly clock: Clock,
  ) {}

  async execute(input: { from?: Date; to?: Date }): Promise<Result<InventoryReport, DomainError>> {
    const to = input.to ?? this.clock.now();
    const from = input.from ?? new Date(to.getTime() - DEFAULT_PERIOD_MS);
    if (from.getTime() > to.getTime()) {
      return Err(domainError('VALIDATION_FAILED', 'from must not be after to'));
    }
    const products = await this.products.all();
    const movements = await this.ledger.all({ to });
    const byProduct = new Map<string, StockMovement[]>();
    for (const m of movements) byProduct.set(m.productId, [...(byProduct.get(m.productId) ?? []), m]);
    const movementsByReason = Object.fromEntries(MOVEMENT_REASONS.map((r) => [r, 0])) as Record<
      MovementReason,
      number
    >;
    const rows = products.map((p): ReportRow => {
      const all = byProduct.get(p.id) ?? [];
      const inPeriod = all.filter((m) => m.at.getTime() >= from.getTime());
      for (const m of inPeriod) movementsByReason[m.reason] += 1;
      const sold = Math.max(
        0,
        -ledgerSum(
          inPeriod.filter(
            (m) => m.reason === 'sale' || m.reason === 'reservation_release' || m.reason === 'cancellation',
          ),
        ),
      );
      const restocked = ledgerSum(inPeriod.filter((m) => m.reason === 'restock'));
      return {
        productId: p.id,
        name: p.name,
        price: p.price,
        stock: p.inventory.stock,
        stockValue: p.inventory.stock * p.price,
        sold,
        restocked,
        movements: inPeriod.length,
        sellThrough: sellThrough(sold, p.inventory.stock),
        // The ledger starts with the `initial` movement when the product was created with stock;
        // otherwise the product's creation time starts it (created out of stock).
        outOfStockDays: outOfStockDays(
          all,
          from,
          to,
          all.find((m) => m.reason === 'initial')?.at ?? p.createdAt,
        ),
      };
    });
    return Ok({
      from,
      to,
      totalStockValue: rows.reduce((n, r) => n + r.stockValue, 0),
      movementsByReason,
      rows,
    });
  }
}

/** Admin bulk: set several stocks; each result says whether it was applied. */
export class BulkUpdateStock {
  constructor(private readonly change: ChangeStock) {}

  async execute(input: {
    updates: readonly { productId: string; stock: number }[];
    actor: string;
  }): Promise<
    Result<
      { results: { productId: string; success: boolean; stock?: number; message?: string }[] },
      DomainError
    >
  > {
    if (input.updates.length === 0) return Err(domainError('VALIDATION_FAILED', 'updates must not be empty'));
    const results = [];
    for (const u of input.updates) {
      const r = await this.change.execute({ productId: u.productId, set: u.stock, actor: input.actor });
      results.push(
        r.isOk()
          ? { productId: u.productId, success: true, stock: r.value.after }
          : { productId: u.productId, success: false, message: r.error.message },
      );
    }
    return Ok({ results });
  }
}

export interface LedgerCheck {
  readonly settled: number;
  readonly checked: number;
  readonly mismatches: { productId: string; stock: number; ledger: number }[];
}

/** Reconciliation: settles parked movements, then checks stock == sum of movements per product. */
export class VerifyStockLedger {
  constructor(
    private readonly products: ProductRepository,
    private readonly ledger: StockLedger,
  ) {}

  async execute(): Promise<Result<LedgerCheck, DomainError>> {
    const settled = await this.ledger.settle();
    const sums = new Map<string, number>();
    for (const m of await this.ledger.all({}))
      sums.set(m.productId, (sums.get(m.productId) ?? 0) + m.quantity);
    const products = await this.products.all();
    const mismatches = products
      .map((p) => ({ productId: p.id, stock: p.inventory.stock, ledger: sums.get(p.id) ?? 0 }))
      .filter((x) => x.stock !== x.ledger);
    return Ok({ settled, checked: products.length, mismatches });
  }
}
