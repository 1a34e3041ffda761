import { MemoryCategoryRepository } from '../../../adapters/persistence/memory/catalog-category-repository.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MongoCategoryRepository } from '../../../adapters/persistence/mongo/catalog-category-repository.js';
import { MongoProductRepository } from '../../../adapters/persistence/mongo/catalog-product-repository.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';
import {
  categoryRepositoryContract,
  productRepositoryContract,
  type CatalogContractOptions,
} from './catalog-contract.js';

const memory: CatalogContractOptions = {
  runs: 150,
  fresh: async () => {
    const db = new MemoryDatabase();
    return { products: new MemoryProductRepository(db), categories: new MemoryCategoryRepository(db) };
  },
};

describe('contract/catalog memory ProductRepository', () => productRepositoryContract(memory));
describe('contract/catalog memory CategoryRepository', () => categoryRepositoryContract(memory));

describeWith(['mongo'], 'contract/catalog mongo repositories', function () {
  this.timeout(120_000);
  const mongo = useMongo('catalog');
  const options: CatalogContractOptions = {
    runs: 60,
    fresh: async () => {
      const stores = {
        products: new MongoProductRepository(mongo.connection()),
        categories: new MongoCategoryRepository(mongo.connection()),
      };
      await mongo.reset();
      return stores;
    },
  };
  describe('ProductRepository', () => productRepositoryContract(options));
  describe('CategoryRepository', () => categoryRepositoryContract(options));
});
