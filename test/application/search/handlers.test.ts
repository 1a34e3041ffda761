import { expect } from 'chai';
import { MiniSearchIndex } from '../../../adapters/search/minisearch-index.js';
import { productEvent } from '../../../domain/catalog/events.js';
import type { SearchDocument } from '../../../domain/search/document.js';
import {
  IndexProductsWhenCatalogChanged,
  ProductQueue,
  RebuildSearchIndex,
  ReconcileSearchIndex,
} from '../../../application/search/handlers.js';
import type { SearchDocuments } from '../../../application/search/search-documents.js';

const base: SearchDocument = {
  id: 'p1',
  name: 'Old Name',
  description: '',
  tags: [],
  category: '',
  categoryId: null,
  flowerTypes: [],
  occasions: [],
  colors: [],
  price: 1000,
  rating: 0,
  reviewCount: 0,
  inStock: true,
  salesCount: 0,
  createdAt: 0,
};

/** Reads answer the state current when they START, and finish after `delays` (ms, in call order). */
class SlowDocuments {
  current = new Map<string, SearchDocument>([['p1', base]]);
  delays: number[] = [];
  async forProduct(id: string): Promise<SearchDocument | null> {
    const seen = this.current.get(id) ?? null;
    await new Promise((r) => setTimeout(r, this.delays.shift() ?? 0));
    return seen;
  }
  async all(): Promise<SearchDocument[]> {
    const seen = [...this.current.values()];
    await new Promise((r) => setTimeout(r, this.delays.shift() ?? 0));
    return seen;
  }
}

describe('search indexing handlers', () => {
  const notice = () => productEvent('catalog.product-updated', 'p1', new Date(), String(Math.random()));

  it('two notices for one product in parallel: the index ends on the newer read, whatever order the reads finish in', async () => {
    const index = new MiniSearchIndex();
    const documents = new SlowDocuments();
    const handler = new IndexProductsWhenCatalogChanged(
      index,
      documents as unknown as SearchDocuments,
      new ProductQueue(),
    );
    documents.delays = [30, 0]; // the first read is the slow one
    const first = handler.handle(notice());
    documents.current.set('p1', { ...base, name: 'New Name' });
    const second = handler.handle(notice());
    await Promise.all([first, second]);
    expect(index.get('p1')!.name).to.equal('New Name');
  });

  it('a notice handled while the index is rebuilt is read again after the rebuild replaced the index', async () => {
    const index = new MiniSearchIndex();
    const documents = new SlowDocuments();
    const queue = new ProductQueue();
    const handler = new IndexProductsWhenCatalogChanged(
      index,
      documents as unknown as SearchDocuments,
      queue,
    );
    const rebuild = new RebuildSearchIndex(index, documents as unknown as SearchDocuments, queue);
    documents.delays = [30, 0]; // the rebuild's snapshot (old) lands after the notice's read (new)
    const rebuilt = rebuild.execute();
    documents.current.set('p1', { ...base, name: 'Renamed Meanwhile' });
    await handler.handle(notice());
    expect(await rebuilt).to.deep.equal({ indexed: 1 });
    expect(index.get('p1')!.name).to.equal('Renamed Meanwhile');
  });

  it('a notice for a product that is gone takes it out', async () => {
    const index = new MiniSearchIndex();
    await index.replaceAll([base]);
    const documents = new SlowDocuments();
    documents.current.clear();
    await new IndexProductsWhenCatalogChanged(
      index,
      documents as unknown as SearchDocuments,
      new ProductQueue(),
    ).handle(productEvent('catalog.product-deleted', 'p1', new Date(), 'k'));
    expect(index.size).to.equal(0);
  });

  it('reconcile: a changed, a missing and a deleted product are re-read; an index that matches is left alone', async () => {
    const index = new MiniSearchIndex();
    const documents = new SlowDocuments();
    documents.current.set('p2', { ...base, id: 'p2', name: 'Tulip Basket' });
    // The index missed three notices: p1 renamed, p2 created, p3 deleted.
    await index.replaceAll([base, { ...base, id: 'p3', name: 'Gone Orchid' }]);
    documents.current.set('p1', { ...base, name: 'Renamed Roses' });
    const reconcile = new ReconcileSearchIndex(
      index,
      documents as unknown as SearchDocuments,
      new ProductQueue(),
    );
    expect(await reconcile.execute()).to.deep.equal({ reread: 3 });
    expect(index.get('p1')?.name).to.equal('Renamed Roses');
    expect(index.get('p2')?.name).to.equal('Tulip Basket');
    expect(index.get('p3')).to.equal(undefined);
    expect((await index.match('renamed')).map((m) => m.id)).to.deep.equal(['p1']);
    expect((await index.match('orchid')).map((m) => m.id)).to.deep.equal([]);
    expect(await reconcile.execute()).to.deep.equal({ reread: 0 });
  });
});
