import type { Container } from 'inversify';
import { CATEGORY_REPOSITORY, DEMO_CATALOG, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import {
  CreateCategory,
  DeleteCategory,
  GetCategory,
  GetCategoryTree,
  ListCategories,
  UpdateCategory,
} from '../../application/catalog/categories.js';
import {
  BulkUpdateProducts,
  CreateProduct,
  DeleteProduct,
  UpdateProduct,
} from '../../application/catalog/manage-products.js';
import {
  GetFeaturedProducts,
  GetPopularProducts,
  GetProduct,
  GetSuggestedProducts,
  ListProducts,
  SearchProducts,
} from '../../application/catalog/product-queries.js';
import { SeedDemoCatalog } from '../../application/catalog/seed-demo-catalog.js';
import {
  APP_LOGGER,
  CLOCK,
  EVENT_BUS,
  ID_GENERATOR,
  STARTUP_TASK,
  type AppLogger,
  type StartupTask,
} from '../../application/shared/ports.js';
import { StaticDemoCatalog } from '../../adapters/persistence/seed/demo-catalog.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';

export function bindCatalog(container: Container, config: Config): void {
  bindClass(container, DEMO_CATALOG, StaticDemoCatalog, []);

  const reads = [PRODUCT_REPOSITORY, CATEGORY_REPOSITORY] as const;
  bindUseCase(container, ListProducts, reads);
  bindUseCase(container, SearchProducts, reads);
  bindUseCase(container, GetFeaturedProducts, reads);
  bindUseCase(container, GetPopularProducts, reads);
  bindUseCase(container, GetSuggestedProducts, reads);
  bindUseCase(container, GetProduct, reads);

  const writes = [PRODUCT_REPOSITORY, CATEGORY_REPOSITORY, CLOCK, ID_GENERATOR, EVENT_BUS] as const;
  bindUseCase(container, CreateProduct, writes);
  bindUseCase(container, UpdateProduct, writes);
  bindUseCase(container, BulkUpdateProducts, writes);
  bindUseCase(container, DeleteProduct, [PRODUCT_REPOSITORY, CLOCK, ID_GENERATOR, EVENT_BUS]);

  bindUseCase(container, ListCategories, [CATEGORY_REPOSITORY]);
  bindUseCase(container, GetCategoryTree, [CATEGORY_REPOSITORY]);
  bindUseCase(container, GetCategory, [CATEGORY_REPOSITORY]);
  bindUseCase(container, CreateCategory, [CATEGORY_REPOSITORY, CLOCK, ID_GENERATOR, EVENT_BUS]);
  bindUseCase(container, UpdateCategory, [CATEGORY_REPOSITORY, CLOCK, ID_GENERATOR, EVENT_BUS]);
  bindUseCase(container, DeleteCategory, [
    CATEGORY_REPOSITORY,
    PRODUCT_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
    EVENT_BUS,
  ]);

  bindUseCase(container, SeedDemoCatalog, [
    PRODUCT_REPOSITORY,
    CATEGORY_REPOSITORY,
    DEMO_CATALOG,
    CLOCK,
    ID_GENERATOR,
  ]);

  if (config.seedDemo) {
    container
      .bind<StartupTask>(STARTUP_TASK)
      .toResolvedValue(
        (seed: SeedDemoCatalog, logger: AppLogger): StartupTask => ({
          name: 'seed-demo-catalog',
          run: async () => {
            const result = await seed.execute({ onlyIfEmpty: true });
            if (result.isErr()) {
              logger.error('demo catalog seed failed', {
                code: result.error.code,
                message: result.error.message,
              });
              return;
            }
            if (!result.value.skipped) {
              logger.info('demo catalog seeded', {
                categories: result.value.categoriesCreated,
                products: result.value.productsCreated,
              });
            }
          },
        }),
        [SeedDemoCatalog, APP_LOGGER],
      )
      .inSingletonScope();
  }
}
