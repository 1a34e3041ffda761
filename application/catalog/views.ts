import type { Category } from '../../domain/catalog/category.js';
import type { Product } from '../../domain/catalog/product.js';
import type { CategoryRepository } from './ports.js';

/** A product with its category joined (null when it has none or the category is gone). */
export interface ProductView {
  readonly product: Product;
  readonly category: Category | null;
}

/** A category with its parent joined. */
export interface CategoryView {
  readonly category: Category;
  readonly parent: Category | null;
}

/** Joins each product's category, reading the categories once. */
export async function joinCategories(
  categories: CategoryRepository,
  products: readonly Product[],
): Promise<ProductView[]> {
  if (products.length === 0) return [];
  const byId = new Map((await categories.list()).map((c) => [c.id, c]));
  return products.map((product) => ({
    product,
    category: product.categoryId === null ? null : (byId.get(product.categoryId) ?? null),
  }));
}

export async function joinCategory(categories: CategoryRepository, product: Product): Promise<ProductView> {
  const category = product.categoryId === null ? null : await categories.findById(product.categoryId);
  return { product, category };
}
