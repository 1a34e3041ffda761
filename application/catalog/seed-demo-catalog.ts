import { createCategory, type Category } from '../../domain/catalog/category.js';
import { createProduct } from '../../domain/catalog/product-rules.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import type { CategoryRepository, DemoCatalogSource, ProductRepository } from './ports.js';

export interface SeedDemoCatalogInput {
  /** Do nothing when the store already holds products or categories (start-up seeding). */
  readonly onlyIfEmpty?: boolean;
  /** Called after each record with the running count and the total (the CLI's progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SeedDemoCatalogResult {
  readonly skipped: boolean;
  readonly categoriesCreated: number;
  readonly productsCreated: number;
  readonly categoriesTotal: number;
  readonly productsTotal: number;
}

/** One minute between demo products' creation times, so "newest" has a meaningful order. */
const STEP_MS = 60_000;

/**
 * Loads the demo catalog. Idempotent: a category whose slug exists and a product whose name
 * exists (case-insensitively) are left alone, so running it twice creates nothing new.
 */
export class SeedDemoCatalog {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly demo: DemoCatalogSource,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: SeedDemoCatalogInput = {}): Promise<Result<SeedDemoCatalogResult, DomainError>> {
    const categorySeeds = this.demo.categories();
    const productSeeds = this.demo.products();
    const total = categorySeeds.length + productSeeds.length;
    const existingProducts = await this.products.all();
    const existingCategories = await this.categories.list();
    if (input.onlyIfEmpty && (existingProducts.length > 0 || existingCategories.length > 0)) {
      return Ok({
        skipped: true,
        categoriesCreated: 0,
        productsCreated: 0,
        categoriesTotal: categorySeeds.length,
        productsTotal: productSeeds.length,
      });
    }
    const now = this.clock.now();
    let done = 0;
    const tick = () => {
      done += 1;
      input.onProgress?.(done, total);
    };

    const bySlug = new Map<string, Category>(existingCategories.map((c) => [c.seo.slug, c]));
    let categoriesCreated = 0;
    for (const seed of categorySeeds) {
      const parentId = seed.parentSlug === undefined ? null : (bySlug.get(seed.parentSlug)?.id ?? null);
      if (seed.parentSlug !== undefined && parentId === null) {
        return Err(
          domainError('VALIDATION_FAILED', `Demo category parent "${seed.parentSlug}" must come first`),
        );
      }
      const category = createCategory(
        { ...seed.input, parentCategoryId: parentId },
        { id: this.ids.next(), now },
      );
      if (category.isErr()) return category;
      if (!bySlug.has(category.value.seo.slug)) {
        const saved = await this.categories.create(category.value);
        if (saved.isErr()) return saved;
        bySlug.set(saved.value.seo.slug, saved.value);
        categoriesCreated += 1;
      }
      tick();
    }

    const names = new Set(existingProducts.map((p) => p.name.toLowerCase()));
    let productsCreated = 0;
    const start = now.getTime() - productSeeds.length * STEP_MS;
    for (const [i, seed] of productSeeds.entries()) {
      const category = bySlug.get(seed.categorySlug);
      if (!category) {
        return Err(
          domainError('VALIDATION_FAILED', `Demo product category "${seed.categorySlug}" is unknown`),
        );
      }
      const product = createProduct(
        { ...seed.input, categoryId: category.id },
        { id: this.ids.next(), now: new Date(start + (i + 1) * STEP_MS), newId: () => this.ids.next() },
      );
      if (product.isErr()) return product;
      if (!names.has(product.value.name.toLowerCase())) {
        await this.products.create(product.value);
        names.add(product.value.name.toLowerCase());
        productsCreated += 1;
      }
      tick();
    }
    return Ok({
      skipped: false,
      categoriesCreated,
      productsCreated,
      categoriesTotal: categorySeeds.length,
      productsTotal: productSeeds.length,
    });
  }
}
