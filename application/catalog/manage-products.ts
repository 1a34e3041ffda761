import { productEvent, stockChanged } from '../../domain/catalog/events.js';
import type { Product } from '../../domain/catalog/product.js';
import {
  applyProductPatch,
  createProduct,
  productChanged,
  validateProductInput,
  type ProductInput,
} from '../../domain/catalog/product-rules.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { DomainEvent } from '../../domain/shared/events.js';
import { isEntityId } from '../shared/ids.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { retryOnConflict, UNCHANGED } from '../shared/retry-on-conflict.js';
import { writeWithNotices } from '../shared/staged-notices.js';
import type { CategoryRepository, ProductRepository } from './ports.js';
import { joinCategory, type ProductView } from './views.js';

/** How often a write re-reads and re-applies after a concurrent change (optimistic versions). */
const MAX_ATTEMPTS = 5;

const productNotFound = () => domainError('PRODUCT_NOT_FOUND', 'Product not found');
const notFound = () => Err(productNotFound());

async function checkCategory(
  categories: CategoryRepository,
  categoryId: string | null | undefined,
): Promise<Result<void, DomainError>> {
  if (categoryId === undefined || categoryId === null) return Ok(undefined);
  if (!isEntityId(categoryId) || !(await categories.findById(categoryId))) {
    return Err(domainError('INVALID_CATEGORY', 'Invalid category ID'));
  }
  return Ok(undefined);
}

/**
 * Reads the product, applies `change` and saves; on a version conflict (someone saved in
 * between, e.g. a checkout took stock) reads again and re-applies.
 */
async function updateWithRetry(
  products: ProductRepository,
  id: string,
  change: (current: Product) => Result<Product, DomainError>,
): Promise<Result<{ before: Product; after: Product }, DomainError>> {
  const run = await retryOnConflict({
    load: () => products.findById(id),
    notFound: productNotFound,
    change: (current) => change(current).map((next) => (productChanged(current, next) ? next : UNCHANGED)),
    save: (next) => products.update(next),
    attempts: MAX_ATTEMPTS,
  });
  return run.map((r) =>
    r.changed ? { before: r.current, after: r.saved } : { before: r.current, after: r.current },
  );
}

/**
 * Base of the product writes that apply the rules: they check categories, stamp times, make ids
 * and publish. Their notices are staged before the write (writeWithNotices), with ids made up front.
 */
abstract class ProductWrite {
  constructor(
    protected readonly products: ProductRepository,
    protected readonly categories: CategoryRepository,
    protected readonly clock: Clock,
    protected readonly ids: IdGenerator,
    protected readonly events: EventBus,
  ) {}
}

/** Admin create (compat 8 and rule 16): the rules, then the category must exist. */
export class CreateProduct extends ProductWrite {
  async execute(input: ProductInput): Promise<Result<ProductView, DomainError>> {
    const now = this.clock.now();
    const product = createProduct(input, { id: this.ids.next(), now, newId: () => this.ids.next() });
    if (product.isErr()) return product;
    const category = await checkCategory(this.categories, product.value.categoryId);
    if (category.isErr()) return category;
    const notice = productEvent('catalog.product-created', product.value.id, now, this.ids.next());
    const saved = await writeWithNotices(
      this.events,
      [notice],
      () => this.products.create(product.value),
      () => true,
    );
    return Ok(await joinCategory(this.categories, saved));
  }
}

/** Partial update (rule 17): the same rules on the fields present; untouched fields stay. */
export class UpdateProduct extends ProductWrite {
  async execute(input: { id: string; patch: ProductInput }): Promise<Result<ProductView, DomainError>> {
    if (!isEntityId(input.id)) return Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));
    const valid = validateProductInput(input.patch, 'update');
    if (valid.isErr()) return valid;
    const category = await checkCategory(this.categories, input.patch.categoryId);
    if (category.isErr()) return category;
    const now = this.clock.now();
    // Staged: the update, and a stock change when the patch sets the stock (the value expected;
    // the notice published carries the stock the write ended with).
    const changeKey = this.ids.next();
    const updated = productEvent('catalog.product-updated', input.id, now, changeKey);
    const expectedStock = input.patch.inventory?.stock;
    const notices: DomainEvent[] = [updated];
    if (expectedStock !== undefined) notices.push(stockChanged(input.id, expectedStock, now, changeKey));
    const result = await writeWithNotices(
      this.events,
      notices,
      () =>
        updateWithRetry(this.products, input.id, (current) =>
          applyProductPatch(current, input.patch, { now, newId: () => this.ids.next() }),
        ),
      (outcome) => {
        if (outcome.isErr() || outcome.value.before === outcome.value.after) return false;
        const { before, after } = outcome.value;
        return before.inventory.stock === after.inventory.stock
          ? [updated]
          : [updated, stockChanged(after.id, after.inventory.stock, now, changeKey)];
      },
    );
    if (result.isErr()) return result;
    return Ok(await joinCategory(this.categories, result.value.after));
  }
}

export class DeleteProduct {
  constructor(
    private readonly products: ProductRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: EventBus,
  ) {}

  async execute(input: { id: string }): Promise<Result<void, DomainError>> {
    if (!isEntityId(input.id)) return Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));
    const notice = productEvent('catalog.product-deleted', input.id, this.clock.now(), this.ids.next());
    const deleted = await writeWithNotices(
      this.events,
      [notice],
      () => this.products.delete(input.id),
      (found) => found,
    );
    if (!deleted) return notFound();
    return Ok(undefined);
  }
}

export interface BulkUpdateResult {
  readonly matchedCount: number;
  readonly modifiedCount: number;
}

/**
 * Rule 18/19: the same `updates` on every listed product. The updates are checked first against
 * the rules and against every matched product, so an invalid request changes nothing.
 */
export class BulkUpdateProducts extends ProductWrite {
  async execute(input: {
    productIds: readonly string[];
    updates: ProductInput;
  }): Promise<Result<BulkUpdateResult, DomainError>> {
    if (input.productIds.length === 0) {
      return Err(domainError('VALIDATION_FAILED', 'productIds must name at least one product'));
    }
    if (input.productIds.some((id) => !isEntityId(id))) {
      return Err(domainError('VALIDATION_FAILED', 'Invalid product ID in productIds'));
    }
    if (Object.values(input.updates).every((v) => v === undefined)) {
      return Err(domainError('VALIDATION_FAILED', 'updates must change at least one field'));
    }
    const valid = validateProductInput(input.updates, 'update');
    if (valid.isErr()) return valid;
    const category = await checkCategory(this.categories, input.updates.categoryId);
    if (category.isErr()) return category;
    const now = this.clock.now();
    const apply = (p: Product) => applyProductPatch(p, input.updates, { now, newId: () => this.ids.next() });

    const ids = [...new Set(input.productIds)];
    const matched = await this.products.findByIds(ids);
    for (const p of matched) {
      const dryRun = apply(p);
      if (dryRun.isErr()) return dryRun;
    }
    const changeKey = this.ids.next();
    const notices = matched.map((p) => productEvent('catalog.product-updated', p.id, now, changeKey));
    const modified = new Set<string>();
    const run = await writeWithNotices(
      this.events,
      notices,
      async (): Promise<Result<void, DomainError>> => {
        for (const p of matched) {
          const result = await updateWithRetry(this.products, p.id, apply);
          if (result.isErr()) {
            if (result.error.code === 'PRODUCT_NOT_FOUND') continue; // deleted meanwhile
            return result;
          }
          if (result.value.before !== result.value.after) modified.add(p.id);
        }
        return Ok(undefined);
      },
      // A write refused half-way has still saved the products before it: those are announced.
      () => notices.filter((e) => modified.has(e.aggregateId)),
    );
    if (run.isErr()) return run;
    return Ok({ matchedCount: matched.length, modifiedCount: modified.size });
  }
}
