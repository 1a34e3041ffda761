import type { CategoryRepository } from '../../../application/catalog/ports.js';
import type { Category } from '../../../domain/catalog/category.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import type { MemoryDatabase } from './memory-database.js';

const key = (s: string) => s.trim().toLowerCase();

/** Categories in the shared memory store; names and slugs are unique, case-insensitively. */
export class MemoryCategoryRepository implements CategoryRepository {
  private readonly rows: Map<string, Category>;

  constructor(db: MemoryDatabase) {
    this.rows = db.collection<Category>('categories');
  }

  async findById(id: string): Promise<Category | null> {
    return this.rows.get(id) ?? null;
  }

  async findBySlug(slug: string): Promise<Category | null> {
    const wanted = key(slug);
    for (const c of this.rows.values()) if (key(c.seo.slug) === wanted) return c;
    return null;
  }

  async list(filter: { activeOnly?: boolean } = {}): Promise<Category[]> {
    return [...this.rows.values()]
      .filter((c) => !filter.activeOnly || c.isActive)
      .sort(
        (a, b) => a.displayOrder - b.displayOrder || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1),
      );
  }

  async create(category: Category): Promise<Result<Category, DomainError>> {
    const clash = this.clash(category);
    if (clash) return Err(clash);
    this.rows.set(category.id, category);
    return Ok(category);
  }

  async update(category: Category): Promise<Result<Category, DomainError>> {
    const stored = this.rows.get(category.id);
    if (!stored) return Err(domainError('CATEGORY_NOT_FOUND', 'Category not found'));
    if (stored.version !== category.version) {
      return Err(domainError('CONFLICT', 'The category was changed by someone else; please retry'));
    }
    const clash = this.clash(category);
    if (clash) return Err(clash);
    const next: Category = { ...category, version: category.version + 1 };
    this.rows.set(next.id, next);
    return Ok(next);
  }

  async delete(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }

  private clash(category: Category): DomainError | null {
    for (const other of this.rows.values()) {
      if (other.id === category.id) continue;
      if (key(other.name) === key(category.name)) {
        return domainError('CATEGORY_NAME_TAKEN', 'Category name already exists');
      }
      if (key(other.seo.slug) === key(category.seo.slug)) {
        return domainError('CATEGORY_NAME_TAKEN', 'A category with this slug already exists');
      }
    }
    return null;
  }
}
