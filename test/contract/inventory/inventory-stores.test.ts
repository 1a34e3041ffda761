import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryStockLedger } from '../../../adapters/persistence/memory/inventory-ledger.js';
import { MemoryStockNotifyRepository } from '../../../adapters/persistence/memory/inventory-notify-requests.js';
import { MemoryStockStore } from '../../../adapters/persistence/memory/inventory-stock-store.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MongoProductRepository } from '../../../adapters/persistence/mongo/catalog-product-repository.js';
import { MongoStockLedger } from '../../../adapters/persistence/mongo/inventory-ledger.js';
import { MongoStockNotifyRepository } from '../../../adapters/persistence/mongo/inventory-notify-requests.js';
import { MongoStockStore } from '../../../adapters/persistence/mongo/inventory-stock-store.js';
import { expect } from 'chai';
import { productModel } from '../../../adapters/persistence/mongo/catalog-product-repository.js';
import { movementModel } from '../../../adapters/persistence/mongo/inventory-ledger.js';
import { VerifyStockLedger } from '../../../application/inventory/use-cases.js';
import { ledgerSum } from '../../../domain/inventory/movement.js';
import { aProduct } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';
import { describeWith } from '../../support/services.js';
import { inventoryContract } from './inventory-contract.js';

describe('contract/inventory memory', () =>
  inventoryContract({
    runs: 150,
    fresh: async () => {
      const db = new MemoryDatabase();
      return {
        products: new MemoryProductRepository(db),
        stock: new MemoryStockStore(db),
        ledger: new MemoryStockLedger(db),
        notify: new MemoryStockNotifyRepository(db),
      };
    },
  }));

describeWith(['mongo'], 'contract/inventory mongo', function () {
  this.timeout(180_000);
  const mongo = useMongo('inventory');
  inventoryContract({
    runs: 25,
    fresh: async () => {
      const stock = new MongoStockStore(mongo.connection());
      const stores = {
        products: new MongoProductRepository(mongo.connection()),
        stock,
        ledger: new MongoStockLedger(mongo.connection(), stock),
        notify: new MongoStockNotifyRepository(mongo.connection()),
      };
      await mongo.reset();
      return stores;
    },
  });

  it('a crash between the stock write and the ledger copy is settled once by VerifyStockLedger', async () => {
    const products = new MongoProductRepository(mongo.connection());
    const ledger = new MongoStockLedger(mongo.connection(), new MongoStockStore(mongo.connection()));
    await mongo.reset();
    const p = aProduct({ inventory: { stock: 2, lowStockThreshold: 1, isAvailable: true } });
    await products.create(p);
    const parked = (id: string, quantity: number) => ({
      _id: id,
      productId: p.id,
      quantity,
      reason: 'restock',
      actor: 'crash',
      reference: id,
      at: new Date(),
    });
    const a = parked('a'.repeat(24), 3); // crashed before the copy
    const b = parked('b'.repeat(24), 4); // crashed after the copy, before the unset
    await productModel(mongo.connection()).collection.updateOne({ _id: p.id as never }, {
      $inc: { 'inventory.stock': 7 },
      $set: { [`pendingMovements.${a._id}`]: a, [`pendingMovements.${b._id}`]: b },
    } as never);
    await movementModel(mongo.connection()).collection.insertOne(b as never);
    expect(ledgerSum(await ledger.all({ productId: p.id }))).to.equal(6);
    const first = (await new VerifyStockLedger(products, ledger).execute()).unwrap();
    expect(first).to.deep.equal({ settled: 2, checked: 1, mismatches: [] });
    const again = (await new VerifyStockLedger(products, ledger).execute()).unwrap();
    expect(again).to.deep.equal({ settled: 0, checked: 1, mismatches: [] });
    expect(ledgerSum(await ledger.all({ productId: p.id }))).to.equal(9);
  });
});
