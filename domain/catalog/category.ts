import { Err, Ok, type Result } from '../shared/result.js';
import { domainError, type DomainError } from '../shared/errors.js';
import { isImageUrl } from '../shared/image-url.js';

export interface Category {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly image?: { readonly url: string; readonly alt?: string };
  readonly parentCategoryId: string | null;
  readonly isActive: boolean;
  readonly displayOrder: number;
  readonly seo: { readonly title?: string; readonly description?: string; readonly slug: string };
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

/**
 * Compat 3: lowercase, keep letters/digits/spaces/hyphens, spaces to `-`, collapse `-` runs.
 */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/-+/g, '-');
}

export const CATEGORY_LIMITS = { name: 50, description: 200 } as const;

/** What a caller may give to create or change a category; `null` clears an optional field. */
export interface CategoryInput {
  readonly name?: string;
  readonly description?: string | null;
  readonly image?: { readonly url: string; readonly alt?: string } | null;
  readonly parentCategoryId?: string | null;
  readonly isActive?: boolean;
  readonly displayOrder?: number;
  readonly seo?: { readonly title?: string; readonly description?: string; readonly slug?: string };
}

function categoryInvalid(message: string): Err<DomainError> {
  return Err(domainError('VALIDATION_FAILED', message));
}

export function validateCategoryInput(
  input: CategoryInput,
  mode: 'create' | 'update',
): Result<void, DomainError> {
  if (mode === 'create' && (input.name === undefined || input.name.trim() === '')) {
    return categoryInvalid('Category name is required');
  }
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (name === '') return categoryInvalid('Category name is required');
    if (name.length > CATEGORY_LIMITS.name) {
      return categoryInvalid(`Category name cannot exceed ${CATEGORY_LIMITS.name} characters`);
    }
    if (slugify(name) === '' && (input.seo?.slug === undefined || slugify(input.seo.slug) === '')) {
      return categoryInvalid('Category name must contain at least one letter or digit');
    }
  }
  if (typeof input.description === 'string' && input.description.length > CATEGORY_LIMITS.description) {
    return categoryInvalid(`Description cannot exceed ${CATEGORY_LIMITS.description} characters`);
  }
  if (input.seo?.slug !== undefined && input.seo.slug.trim() !== '' && slugify(input.seo.slug) === '') {
    return categoryInvalid('Slug must contain at least one letter or digit');
  }
  if (input.image && input.image.url.trim() === '') return categoryInvalid('Category image needs a url');
  if (input.image && !isImageUrl(input.image.url)) {
    return categoryInvalid('Category image url must be an http(s) URL');
  }
  if (input.displayOrder !== undefined && !Number.isSafeInteger(input.displayOrder)) {
    return categoryInvalid('Display order must be a whole number');
  }
  return Ok(undefined);
}

function slugOf(name: string, given: string | undefined): string {
  const fromGiven = given === undefined ? '' : slugify(given);
  return fromGiven !== '' ? fromGiven : slugify(name);
}

/** A new category; a missing slug is derived from the name (compat 3). */
export function createCategory(
  input: CategoryInput,
  ctx: { readonly id: string; readonly now: Date },
): Result<Category, DomainError> {
  const valid = validateCategoryInput(input, 'create');
  if (valid.isErr()) return valid;
  const name = input.name!.trim();
  return Ok({
    id: ctx.id,
    name,
    ...(typeof input.description === 'string' ? { description: input.description } : {}),
    ...(input.image ? { image: { ...input.image, url: input.image.url.trim() } } : {}),
    parentCategoryId: input.parentCategoryId ?? null,
    isActive: input.isActive ?? true,
    displayOrder: input.displayOrder ?? 0,
    seo: {
      ...(input.seo?.title !== undefined ? { title: input.seo.title } : {}),
      ...(input.seo?.description !== undefined ? { description: input.seo.description } : {}),
      slug: slugOf(name, input.seo?.slug),
    },
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  });
}

/** The category with `patch` applied; the slug stays unless one is given (stable URLs). */
export function applyCategoryPatch(
  category: Category,
  patch: CategoryInput,
  now: Date,
): Result<Category, DomainError> {
  const valid = validateCategoryInput(patch, 'update');
  if (valid.isErr()) return valid;
  if (patch.parentCategoryId === category.id) {
    return Err(domainError('INVALID_CATEGORY', 'A category cannot be its own parent'));
  }
  const next: { -readonly [P in keyof Category]: Category[P] } = { ...category, updatedAt: now };
  if (patch.name !== undefined) next.name = patch.name.trim();
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (patch.image === null) delete next.image;
  else if (patch.image !== undefined) next.image = { ...patch.image, url: patch.image.url.trim() };
  if (patch.parentCategoryId !== undefined) next.parentCategoryId = patch.parentCategoryId;
  if (patch.isActive !== undefined) next.isActive = patch.isActive;
  if (patch.displayOrder !== undefined) next.displayOrder = patch.displayOrder;
  if (patch.seo !== undefined) {
    const title = patch.seo.title ?? category.seo.title;
    const description = patch.seo.description ?? category.seo.description;
    const slug =
      patch.seo.slug !== undefined && slugify(patch.seo.slug) !== ''
        ? slugify(patch.seo.slug)
        : category.seo.slug;
    next.seo = {
      ...(title !== undefined ? { title } : {}),
      ...(description !== undefined ? { description } : {}),
      slug,
    };
  }
  return Ok(next);
}

/** `rootId` and every category below it, at any depth (cycles are ignored). */
export function descendantIds(categories: readonly Category[], rootId: string): string[] {
  const out = [rootId];
  const seen = new Set(out);
  for (let i = 0; i < out.length; i++) {
    for (const c of categories) {
      if (c.parentCategoryId === out[i] && !seen.has(c.id)) {
        seen.add(c.id);
        out.push(c.id);
      }
    }
  }
  return out;
}

/** True when making `parentId` the parent of `categoryId` would close a loop. */
export function wouldCreateCycle(
  categories: readonly Category[],
  categoryId: string,
  parentId: string | null,
): boolean {
  if (parentId === null) return false;
  return descendantIds(categories, categoryId).includes(parentId);
}

export interface CategoryNode {
  readonly category: Category;
  readonly children: readonly CategoryNode[];
}

/**
 * Categories as a forest, roots first, siblings in the given order. A category whose parent is
 * missing from `categories` becomes a root.
 */
export function buildCategoryTree(categories: readonly Category[]): CategoryNode[] {
  const ids = new Set(categories.map((c) => c.id));
  const build = (c: Category, path: ReadonlySet<string>): CategoryNode => ({
    category: c,
    children: categories
      .filter((child) => child.parentCategoryId === c.id && !path.has(child.id))
      .map((child) => build(child, new Set([...path, child.id]))),
  });
  return categories
    .filter((c) => c.parentCategoryId === null || !ids.has(c.parentCategoryId))
    .map((c) => build(c, new Set([c.id])));
}
