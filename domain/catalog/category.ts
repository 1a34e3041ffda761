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
