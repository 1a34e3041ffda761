import { expect } from 'chai';
import type { Container } from 'inversify';
import { cli, cliContainer } from '../support/cli.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../application/catalog/ports.js';
import { STOCK_LEDGER, type StockLedger } from '../../application/inventory/ports.js';
import { aProduct } from '../support/kit.js';

describe('CLI inventory commands', () => {
  let container: Container;
  beforeEach(async () => {
    container = await cliContainer();
  });

  it('inventory:low-stock lists products at or below their threshold', async () => {
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    expect((await cli(container, 'inventory:low-stock')).out).to.include('No product is low on stock');
    const low = await products.create(
      aProduct({ name: 'CLI Low', inventory: { stock: 2, lowStockThreshold: 5, isAvailable: true } }),
    );
    await products.create(
      aProduct({ name: 'CLI Fine', inventory: { stock: 50, lowStockThreshold: 5, isAvailable: true } }),
    );
    const r = await cli(container, 'inventory:low-stock');
    expect(r.code).to.equal(0);
    expect(r.out).to.include(`${low.id}  CLI Low: stock 2 (threshold 5)`);
    expect(r.out).to.not.include('CLI Fine');
  });

  it('inventory:restock adds a restock movement; inventory:verify reconciles; bad input fails', async () => {
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const p = await products.create(
      aProduct({ name: 'CLI Roses', inventory: { stock: 1, lowStockThreshold: 5, isAvailable: true } }),
    );
    const r = await cli(container, 'inventory:restock', p.id, '4', '--reference', 'PO-9');
    expect(r.code).to.equal(0);
    expect(r.out).to.include('CLI Roses: stock 1 -> 5 (reference PO-9, 0 back-in-stock mails)');
    const ms = await container.get<StockLedger>(STOCK_LEDGER).all({ productId: p.id });
    expect(ms.map((m) => [m.reason, m.quantity, m.actor, m.reference])).to.deep.equal([
      ['initial', 1, 'system', ''],
      ['restock', 4, 'cli', 'PO-9'],
    ]);
    const v = await cli(container, 'inventory:verify');
    expect(v.code).to.equal(0);
    expect(v.out).to.include('Checked 1 products');
    expect(v.out).to.include('Ledger OK');
    expect((await cli(container, 'inventory:restock', p.id, '0')).code).to.equal(1);
    expect((await cli(container, 'inventory:restock', p.id, 'x')).code).to.equal(2);
    const missing = await cli(container, 'inventory:restock', 'a'.repeat(24), '1');
    expect(missing.code).to.equal(1);
    expect(missing.err).to.include('PRODUCT_NOT_FOUND');
  });
});
