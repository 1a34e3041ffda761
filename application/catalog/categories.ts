import {
  applyCategoryPatch,
  buildCategoryTree,
  createCategory,
  wouldCreateCycle,
  type Category,
  type CategoryInput,
  type CategoryNode,
} from '../../domain/catalog/category.js';
import { categoryEvent } from '../../domain/catalog/events.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { retryOnConflict } from '../shared/retry-on-conflict.js';
import { writeWithNotices } from '../shared/staged-notices.js';
import type { CategoryRepository, ProductRepository } from './ports.js';
import type { CategoryView } from './views.js';

const categoryNotFound = () => domainError('CATEGORY_NOT_FOUND', 'Category not found');
const notFound = () => Err(categoryNotFound());

/** How often an update re-reads and re-applies after a concurrent save (optimistic versions). */
const UPDATE_ATTEMPTS = 5;

function withParents(all: readonly Category[], shown: readonly Category[]): CategoryView[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  return shown.map((category) => ({
    category,
    parent: category.parentCategoryId === null ? null : (byId.get(category.parentCategoryId) ?? null),
  }));
}

/** Categories sorted by displayOrder (then name), parents joined; active ones unless asked. */
export class ListCategories {
  constructor(private readonly categories: CategoryRepository) {}

  async execute(input: { activeOnly?: boolean } = {}): Promise<Result<CategoryView[], DomainError>> {
    const all = await this.categories.list();
    const shown = input.activeOnly === false ? all : all.filter((c) => c.isActive);
    return Ok(withParents(all, shown));
  }
}

/** The categories as a tree (`children` nested); an inactive category hides its subtree. */
export class GetCategoryTree {
  constructor(private readonly categories: CategoryRepository) {}

  async execute(input: { activeOnly?: boolean } = {}): Promise<Result<CategoryNode[], DomainError>> {
    const all = await this.categories.list();
    if (input.activeOnly === false) return Ok(buildCategoryTree(all));
    const roots = buildCategoryTree(all).filter((n) => n.category.isActive);
    const prune = (n: CategoryNode): CategoryNode => ({
      category: n.category,
      children: n.children.filter((c) => c.category.isActive).map(prune),
    });
    return Ok(roots.map(prune));
  }
}

/** One category by id or slug; 404 `Category not found`. */
export class GetCategory {
  constructor(private readonly categories: CategoryRepository) {}

  async execute(input: { idOrSlug: string }): Promise<Result<CategoryView, DomainError>> {
    const key = input.idOrSlug.trim().toLowerCase();
    const category =
      (isEntityId(key) ? await this.categories.findById(key) : null) ??
      (await this.categories.findBySlug(key));
    if (!category) return notFound();
    const parent =
      category.parentCategoryId === null ? null : await this.categories.findById(category.parentCategoryId);
    return Ok({ category, parent });
  }
}

async function checkParent(
  categories: CategoryRepository,
  parentId: string | null | undefined,
): Promise<Result<Category | null, DomainError>> {
  if (parentId === undefined || parentId === null) return Ok(null);
  const parent = isEntityId(parentId) ? await categories.findById(parentId) : null;
  if (!parent) return Err(domainError('INVALID_CATEGORY', 'Invalid parent category ID'));
  return Ok(parent);
}

export class CreateCategory {
  constructor(
    private readonly categories: CategoryRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: EventBus,
  ) {}

  async execute(input: CategoryInput): Promise<Result<CategoryView, DomainError>> {
    const now = this.clock.now();
    const category = createCategory(input, { id: this.ids.next(), now });
    if (category.isErr()) return category;
    const parent = await checkParent(this.categories, category.value.parentCategoryId);
    if (parent.isErr()) return parent;
    const notice = categoryEvent('catalog.category-created', category.value.id, now, this.ids.next());
    const saved = await writeWithNotices(
      this.events,
      [notice],
      () => this.categories.create(category.value),
      (created) => created.isOk(),
    );
    if (saved.isErr()) return saved;
    return Ok({ category: saved.value, parent: parent.value });
  }
}

export class UpdateCategory {
  constructor(
    private readonly categories: CategoryRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: EventBus,
  ) {}

  async execute(input: { id: string; patch: CategoryInput }): Promise<Result<CategoryView, DomainError>> {
    if (!isEntityId(input.id)) return Err(domainError('VALIDATION_FAILED', 'Invalid category ID'));
    const now = this.clock.now();
    const notice = categoryEvent('catalog.category-updated', input.id, now, this.ids.next());
    const run = await writeWithNotices(
      this.events,
      [notice],
      () => this.update(input, now),
      (r) => r.isOk(),
    );
    if (run.isErr()) return run;
    return Ok({ category: run.value.saved, parent: run.value.next.parent });
  }

  private update(input: { id: string; patch: CategoryInput }, now: Date) {
    return retryOnConflict({
      load: () => this.categories.findById(input.id),
      notFound: categoryNotFound,
      change: async (current) => {
        const next = applyCategoryPatch(current, input.patch, now);
        if (next.isErr()) return next;
        const parent = await checkParent(this.categories, next.value.parentCategoryId);
        if (parent.isErr()) return parent;
        if (wouldCreateCycle(await this.categories.list(), current.id, next.value.parentCategoryId)) {
          return Err(
            domainError('INVALID_CATEGORY', 'A category cannot be placed under its own subcategory'),
          );
        }
        return Ok({ category: next.value, parent: parent.value });
      },
      save: (next) => this.categories.update(next.category),
      attempts: UPDATE_ATTEMPTS,
    });
  }
}

/** Refuses (CATEGORY_IN_USE) while products or subcategories still point at the category. */
export class DeleteCategory {
  constructor(
    private readonly categories: CategoryRepository,
    private readonly products: ProductRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: EventBus,
  ) {}

  async execute(input: { id: string }): Promise<Result<void, DomainError>> {
    if (!isEntityId(input.id)) return Err(domainError('VALIDATION_FAILED', 'Invalid category ID'));
    const category = await this.categories.findById(input.id);
    if (!category) return notFound();
    const all = await this.categories.list();
    if (all.some((c) => c.parentCategoryId === input.id)) {
      return Err(domainError('CATEGORY_IN_USE', 'Category has subcategories; move or delete them first'));
    }
    const { total } = await this.products.search({
      categoryIds: [input.id],
      sort: 'newest',
      page: 1,
      limit: 1,
    });
    if (total > 0) {
      return Err(
        domainError('CATEGORY_IN_USE', 'Category still has products; move or delete them first', {
          productCount: total,
        }),
      );
    }
    const notice = categoryEvent('catalog.category-deleted', input.id, this.clock.now(), this.ids.next());
    const deleted = await writeWithNotices(
      this.events,
      [notice],
      () => this.categories.delete(input.id),
      (found) => found,
    );
    if (!deleted) return notFound();
    return Ok(undefined);
  }
}
