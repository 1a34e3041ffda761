import { Schema, type Connection, type Model } from 'mongoose';
import type { CategoryRepository } from '../../../application/catalog/ports.js';
import type { Category } from '../../../domain/catalog/category.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { DocumentLock, type DocumentLockOptions } from './document-lock.js';

/** A category as stored, with lowercased copies of the name and slug for the unique indexes. */
interface CategoryDoc {
  _id: string;
  name: string;
  nameKey: string;
  description?: string;
  image?: { url: string; alt?: string };
  parentCategoryId: string | null;
  isActive: boolean;
  displayOrder: number;
  seo: { title?: string; description?: string; slug: string };
  slugKey: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export const categorySchema = new Schema<CategoryDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    description: String,
    image: { type: new Schema({ url: String, alt: String }, { _id: false }), default: undefined },
    parentCategoryId: { type: String, default: null },
    isActive: { type: Boolean, default: true },
    displayOrder: { type: Number, default: 0 },
    seo: { title: String, description: String, slug: { type: String, required: true } },
    slugKey: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'categories', versionKey: false, timestamps: false },
);
categorySchema.index({ nameKey: 1 }, { unique: true, name: 'category_name_unique' });
categorySchema.index({ slugKey: 1 }, { unique: true, name: 'category_slug_unique' });
categorySchema.index({ parentCategoryId: 1, displayOrder: 1 });

export function categoryModel(connection: Connection): Model<CategoryDoc> {
  return (connection.models.Category ??
    connection.model('Category', categorySchema)) as unknown as Model<CategoryDoc>;
}

const key = (s: string) => s.trim().toLowerCase();

const nameTaken = () => domainError('CATEGORY_NAME_TAKEN', 'Category name already exists');
const slugTaken = () => domainError('CATEGORY_NAME_TAKEN', 'A category with this slug already exists');

function toDoc(c: Category): CategoryDoc {
  return {
    _id: c.id,
    name: c.name,
    nameKey: key(c.name),
    ...(c.description !== undefined ? { description: c.description } : {}),
    ...(c.image !== undefined
      ? { image: { url: c.image.url, ...(c.image.alt !== undefined ? { alt: c.image.alt } : {}) } }
      : {}),
    parentCategoryId: c.parentCategoryId,
    isActive: c.isActive,
    displayOrder: c.displayOrder,
    seo: {
      ...(c.seo.title !== undefined ? { title: c.seo.title } : {}),
      ...(c.seo.description !== undefined ? { description: c.seo.description } : {}),
      slug: c.seo.slug,
    },
    slugKey: key(c.seo.slug),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

const present = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

function toDomain(d: CategoryDoc): Category {
  return {
    id: d._id,
    name: d.name,
    ...(present(d.description) ? { description: d.description } : {}),
    ...(present(d.image)
      ? { image: { url: d.image.url, ...(present(d.image.alt) ? { alt: d.image.alt } : {}) } }
      : {}),
    parentCategoryId: d.parentCategoryId ?? null,
    isActive: d.isActive,
    displayOrder: d.displayOrder,
    seo: {
      ...(present(d.seo.title) ? { title: d.seo.title } : {}),
      ...(present(d.seo.description) ? { description: d.seo.description } : {}),
      slug: d.seo.slug,
    },
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    version: d.version,
  };
}

function isDuplicateKey(error: unknown): error is { message: string; keyPattern?: object } {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    (e.code === 11000 || /E11000|duplicate key|UNIQUE constraint failed/i.test(String(e.message ?? '')))
  );
}

/**
 * Categories in MongoDB. Names and slugs are unique case-insensitively: checked before writing,
 * and enforced by unique indexes on lowercased copies when two writers race.
 */
export class MongoCategoryRepository implements CategoryRepository {
  private readonly model: Model<CategoryDoc>;
  /** Makes the optimistic update exclusive on FerretDB (see DocumentLock). */
  private readonly lock: DocumentLock;

  constructor(connection: Connection, lockOptions: DocumentLockOptions = {}) {
    this.model = categoryModel(connection);
    this.lock = new DocumentLock(connection, lockOptions);
  }

  async findById(id: string): Promise<Category | null> {
    const doc = await this.model.findById(id).lean<CategoryDoc>();
    return doc ? toDomain(doc) : null;
  }

  async findBySlug(slug: string): Promise<Category | null> {
    const doc = await this.model.findOne({ slugKey: key(slug) }).lean<CategoryDoc>();
    return doc ? toDomain(doc) : null;
  }

  async list(filter: { activeOnly?: boolean } = {}): Promise<Category[]> {
    const docs = await this.model.find(filter.activeOnly ? { isActive: true } : {}).lean<CategoryDoc[]>();
    // Sorted here, as the memory adapter does: locale-aware name order needs a collation that
    // FerretDB lacks, and a catalog has few categories.
    return docs
      .map(toDomain)
      .sort(
        (a, b) => a.displayOrder - b.displayOrder || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1),
      );
  }

  async create(category: Category): Promise<Result<Category, DomainError>> {
    const clash = await this.clash(category);
    if (clash) return Err(clash);
    try {
      await this.model.collection.insertOne(toDoc(category) as never);
    } catch (error) {
      if (isDuplicateKey(error)) return Err(this.duplicateError(error));
      throw error;
    }
    return Ok(category);
  }

  async update(category: Category): Promise<Result<Category, DomainError>> {
    return this.lock.exclusive(`categories:${category.id}`, () => this.updateHeld(category));
  }

  private async updateHeld(category: Category): Promise<Result<Category, DomainError>> {
    const stored = await this.model.findById(category.id).lean<CategoryDoc>();
    if (!stored) return Err(domainError('CATEGORY_NOT_FOUND', 'Category not found'));
    if (stored.version !== category.version) {
      return Err(domainError('CONFLICT', 'The category was changed by someone else; please retry'));
    }
    const clash = await this.clash(category);
    if (clash) return Err(clash);
    const next: Category = { ...category, version: category.version + 1 };
    const { _id, ...fields } = toDoc(next);
    const $unset: Record<string, ''> = {};
    if (next.description === undefined) $unset.description = '';
    if (next.image === undefined) $unset.image = '';
    let matched: number;
    try {
      const result = await this.model.collection.updateOne(
        { _id: _id as never, version: category.version },
        Object.keys($unset).length > 0 ? { $set: fields, $unset } : { $set: fields },
      );
      matched = result.matchedCount;
    } catch (error) {
      if (isDuplicateKey(error)) return Err(this.duplicateError(error));
      throw error;
    }
    if (matched !== 1) {
      const exists = await this.model.exists({ _id: category.id });
      if (!exists) return Err(domainError('CATEGORY_NOT_FOUND', 'Category not found'));
      return Err(domainError('CONFLICT', 'The category was changed by someone else; please retry'));
    }
    return Ok(next);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  private async clash(category: Category): Promise<DomainError | null> {
    const others = await this.model
      .find(
        {
          _id: { $ne: category.id },
          $or: [{ nameKey: key(category.name) }, { slugKey: key(category.seo.slug) }],
        },
        { nameKey: 1, slugKey: 1 },
      )
      .lean<Pick<CategoryDoc, '_id' | 'nameKey' | 'slugKey'>[]>();
    if (others.some((o) => o.nameKey === key(category.name))) return nameTaken();
    if (others.length > 0) return slugTaken();
    return null;
  }

  private duplicateError(error: { message: string; keyPattern?: object }): DomainError {
    const slug =
      (error.keyPattern !== undefined && 'slugKey' in error.keyPattern) || /slug/i.test(error.message);
    return slug ? slugTaken() : nameTaken();
  }
}
