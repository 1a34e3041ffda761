import type { Category } from '../../domain/catalog/category.js';
import { isInStock, type Product } from '../../domain/catalog/product.js';
import type { SearchDocument } from '../../domain/search/document.js';
import { searchLocationOf } from '../../domain/search/from-product.js';
import type { CategoryRepository, ProductRepository } from '../catalog/index.js';

/** What the index holds for `product` filed under `category` (null: none, or not found). */
export function searchDocument(product: Product, category: Category | null): SearchDocument {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    tags: product.tags,
    category: category?.name ?? '',
    categoryId: product.categoryId,
    flowerTypes: product.flowerTypes,
    occasions: product.occasions,
    colors: product.colors,
    price: product.price,
    rating: product.ratings.average,
    reviewCount: product.ratings.count,
    inStock: isInStock(product),
    salesCount: product.salesCount,
    createdAt: product.createdAt.getTime(),
    ...searchLocationOf(product),
  };
}

/** Builds search documents from the catalog's current state (products and their categories). */
export class SearchDocuments {
  constructor(
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
  ) {}

  /** The product's document now, or null when the product is gone. */
  async forProduct(id: string): Promise<SearchDocument | null> {
    const product = await this.products.findById(id);
    if (!product) return null;
    const category = product.categoryId ? await this.categories.findById(product.categoryId) : null;
    return searchDocument(product, category);
  }

  /** Every product's document (the index at start). */
  async all(): Promise<SearchDocument[]> {
    const [products, categories] = await Promise.all([this.products.all(), this.categories.list()]);
    const byId = new Map(categories.map((c) => [c.id, c]));
    return products.map((p) => searchDocument(p, p.categoryId ? (byId.get(p.categoryId) ?? null) : null));
  }
}
