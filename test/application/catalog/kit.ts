import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryCategoryRepository } from '../../../adapters/persistence/memory/catalog-category-repository.js';
import { StaticDemoCatalog } from '../../../adapters/persistence/seed/demo-catalog.js';
import {
  BulkUpdateProducts,
  CreateProduct,
  DeleteProduct,
  UpdateProduct,
} from '../../../application/catalog/manage-products.js';
import { SetProductStock } from '../../../application/inventory/use-cases.js';
import { MemoryStockStore } from '../../../adapters/persistence/memory/inventory-stock-store.js';
import {
  GetFeaturedProducts,
  GetPopularProducts,
  GetProduct,
  GetSuggestedProducts,
  ListProducts,
  SearchProducts,
} from '../../../application/catalog/product-queries.js';
import {
  CreateCategory,
  DeleteCategory,
  GetCategory,
  GetCategoryTree,
  ListCategories,
  UpdateCategory,
} from '../../../application/catalog/categories.js';
import { SeedDemoCatalog } from '../../../application/catalog/seed-demo-catalog.js';
import { RecordingBus, SequentialIds, TestClock } from '../../support/kit.js';

/** The catalog use cases over the memory adapters, a fixed clock and fresh ids. */
export function catalogKit() {
  const db = new MemoryDatabase();
  const products = new MemoryProductRepository(db);
  const stock = new MemoryStockStore(db);
  const categories = new MemoryCategoryRepository(db);
  const clock = new TestClock();
  const ids = new SequentialIds();
  const bus = new RecordingBus();
  return {
    db,
    products,
    stock,
    categories,
    bus,
    clock,
    list: new ListProducts(products, categories),
    search: new SearchProducts(products, categories),
    featured: new GetFeaturedProducts(products, categories),
    popular: new GetPopularProducts(products, categories),
    suggested: new GetSuggestedProducts(products, categories),
    get: new GetProduct(products, categories),
    create: new CreateProduct(products, categories, clock, ids, bus),
    update: new UpdateProduct(products, categories, clock, ids, bus),
    remove: new DeleteProduct(products, clock, ids, bus),
    bulk: new BulkUpdateProducts(products, categories, clock, ids, bus),
    setStock: new SetProductStock(products, stock, clock, ids, bus),
    listCategories: new ListCategories(categories),
    tree: new GetCategoryTree(categories),
    getCategory: new GetCategory(categories),
    createCategory: new CreateCategory(categories, clock, ids, bus),
    updateCategory: new UpdateCategory(categories, clock, ids, bus),
    deleteCategory: new DeleteCategory(categories, products, clock, ids, bus),
    seed: new SeedDemoCatalog(products, categories, new StaticDemoCatalog(), clock, ids),
  };
}
