import { expect } from 'chai';
import { MiniSearchIndex } from '../../../adapters/search/minisearch-index.js';
import type { SearchDocument } from '../../../domain/search/document.js';

function doc(id: string, overrides: Partial<SearchDocument> = {}): SearchDocument {
  return {
    id,
    name: `Product ${id}`,
    description: '',
    tags: [],
    category: '',
    categoryId: null,
    flowerTypes: [],
    occasions: [],
    colors: [],
    price: 100000,
    rating: 0,
    reviewCount: 0,
    inStock: true,
    salesCount: 0,
    createdAt: 0,
    ...overrides,
  };
}

const CATALOG: SearchDocument[] = [
  doc('red-birthday', {
    name: 'Ruby Celebration',
    description: 'Long-stemmed red roses for a birthday.',
    flowerTypes: ['roses'],
    occasions: ['birthday'],
    colors: ['red'],
    category: 'Rose Collection',
    categoryId: 'c-roses',
  }),
  doc('red-anniversary', {
    name: 'Crimson Devotion',
    description: 'Twelve red roses.',
    flowerTypes: ['roses'],
    occasions: ['anniversary'],
    colors: ['red'],
    category: 'Rose Collection',
    categoryId: 'c-roses',
  }),
  doc('balloon', {
    name: 'Birthday Balloon Bouquet',
    description: 'Gerberas and roses with a Happy Birthday balloon.',
    flowerTypes: ['mixed'],
    occasions: ['birthday'],
    colors: ['mixed'],
    tags: ['birthday', 'balloon'],
    category: 'Bouquets',
    categoryId: 'c-bouquets',
  }),
  doc('tulips', {
    name: 'Pink Tulip Parade',
    flowerTypes: ['tulips'],
    occasions: ['birthday'],
    colors: ['pink'],
    category: 'Bouquets',
    categoryId: 'c-bouquets',
  }),
  doc('orchid', {
    name: 'White Phalaenopsis Orchid',
    flowerTypes: ['orchids'],
    occasions: ['sympathy'],
    colors: ['white'],
    tags: ['potted'],
  }),
  doc('lilies', {
    name: 'Pure White Lilies',
    flowerTypes: ['lilies'],
    occasions: ['sympathy'],
    colors: ['white'],
  }),
];

/** The adapter's contract as the application relies on it (application/search/ports.ts). */
describe('MiniSearchIndex (the in-process SearchIndex)', () => {
  let index: MiniSearchIndex;
  const ids = async (text: string, limit = 10) => (await index.match(text, { limit })).map((m) => m.id);

  beforeEach(async () => {
    index = new MiniSearchIndex();
    await index.replaceAll(CATALOG);
  });

  it('holds the documents: get, documents and size', async () => {
    expect(index.size).to.equal(CATALOG.length);
    expect(index.get('orchid')).to.deep.equal(CATALOG[4]);
    expect(index.get('nope')).to.equal(undefined);
    expect([...index.documents()].map((d) => d.id).sort()).to.deep.equal(CATALOG.map((d) => d.id).sort());
  });

  it('forgives typos and completes the last word: rsoe, tulps, orchid, phalaen', async () => {
    expect((await ids('rsoe')).slice(0, 2).sort()).to.deep.equal(['red-anniversary', 'red-birthday']);
    expect((await ids('tulps'))[0]).to.equal('tulips');
    expect((await ids('orchid'))[0]).to.equal('orchid');
    expect((await ids('orchids'))[0]).to.equal('orchid');
    expect((await ids('phalaen'))[0]).to.equal('orchid');
    expect(await ids('   ')).to.deep.equal([]);
    expect(await ids('zzzzqqq')).to.deep.equal([]);
  });

  it('"birthday roses" puts the red-rose birthday product first, not the balloon saying roses only in its description', async () => {
    const ranked = await ids('birthday roses');
    expect(ranked[0]).to.equal('red-birthday');
    expect(ranked).to.include.members(['balloon', 'red-anniversary', 'tulips']);
  });

  it('takes a word the catalog uses as spelled (no typo matches for it); an unknown word gets them', async () => {
    await index.upsert(doc('rope', { name: 'Rope Basket', flowerTypes: [], occasions: [], colors: [] }));
    // "rose" is indexed: "rope" (one edit away) is not offered for it...
    expect(await ids('rose')).to.not.include('rope');
    // ...while "rsoe", a word no product uses, still reaches the roses (and "ropee" the basket).
    expect(await ids('rsoe')).to.include('red-birthday');
    expect(await ids('ropee')).to.include('rope');
    // Once the last product using a word leaves, the word is unknown again and typos reach it.
    await index.remove('rope');
    await index.upsert(
      doc('ropes-gone', { name: 'Twine Basket', flowerTypes: [], occasions: [], colors: [] }),
    );
    expect(await ids('twien')).to.include('ropes-gone');
  });

  it('boosts the name over the other fields and those over the description', async () => {
    await index.upsert(doc('in-name', { name: 'Peony Cloud' }));
    await index.upsert(doc('in-tags', { name: 'Soft Pastels', tags: ['peony'] }));
    await index.upsert(doc('in-description', { name: 'Spring Mix', description: 'with a peony or two' }));
    expect(await ids('peony')).to.deep.equal(['in-name', 'in-tags', 'in-description']);
  });

  it('answers at most `limit` matches, best first', async () => {
    const all = await index.match('birthday');
    expect(all.length).to.be.greaterThan(2);
    expect(await index.match('birthday', { limit: 2 })).to.deep.equal(all.slice(0, 2));
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).to.be.at.least(all[i]!.score);
  });

  it('an upsert of an indexed id replaces it: the old text no longer matches, the size stays', async () => {
    await index.upsert({ ...CATALOG[4]!, name: 'Golden Sunflower Pot', flowerTypes: ['seasonal'] });
    expect(index.size).to.equal(CATALOG.length);
    expect(await ids('phalaenopsis')).to.deep.equal([]);
    expect(await ids('sunflower')).to.deep.equal(['orchid']);
    expect(index.get('orchid')!.name).to.equal('Golden Sunflower Pot');
    // many replacements (vacuuming runs in between) keep one live version
    for (let i = 0; i < 120; i++) await index.upsert({ ...CATALOG[5]!, name: `Lily Edition ${i}` });
    expect(await ids('edition')).to.deep.equal(['lilies']);
    expect((await index.suggest('lily edition 119', 5))[0]).to.include({
      kind: 'product',
      text: 'Lily Edition 119',
    });
  });

  it('an upsert changing only stock, sales or price keeps the text; one changing any indexed field re-indexes it', async () => {
    const orchid = CATALOG[4]!;
    await index.upsert({ ...orchid, inStock: false, salesCount: 7, price: 1 });
    expect(index.get('orchid')).to.include({ inStock: false, salesCount: 7, price: 1 });
    expect(await ids('phalaenopsis')).to.deep.equal(['orchid']);
    // Each indexed field alone (tags, description, category, facets) is a text change.
    await index.upsert({ ...orchid, tags: ['zinnia'] });
    expect(await ids('zinnia')).to.deep.equal(['orchid']);
    await index.upsert({ ...orchid, description: 'a marigold garland' });
    expect(await ids('marigold')).to.deep.equal(['orchid']);
    expect(await ids('zinnia')).to.deep.equal([]);
    await index.upsert({ ...orchid, category: 'Dahlia Corner', categoryId: 'c-dahlia' });
    expect(await ids('dahlia')).to.deep.equal(['orchid']);
    expect((await index.suggest('dahlia corner', 5)).map((s) => s.kind)).to.include('category');
    await index.upsert({ ...orchid, colors: ['purple'] });
    expect((await index.suggest('purple', 5)).map((s) => s.text)).to.include('purple');
  });

  it('remove takes a document out (unknown ids ignored); replaceAll starts over', async () => {
    await index.remove('tulips');
    await index.remove('never-indexed');
    expect(index.size).to.equal(CATALOG.length - 1);
    expect(await ids('tulip')).to.deep.equal([]);
    expect(index.get('tulips')).to.equal(undefined);
    await index.replaceAll([CATALOG[0]!]);
    expect(index.size).to.equal(1);
    expect(await ids('orchid')).to.deep.equal([]);
  });

  describe('suggest', () => {
    const suggest = async (prefix: string, limit = 8) =>
      (await index.suggest(prefix, limit)).map((s) => `${s.kind}:${s.text}${s.id ? `#${s.id}` : ''}`);

    it('offers flower types, categories and products for a prefix or a misspelling', async () => {
      const rsoe = await suggest('rsoe');
      expect(rsoe[0]).to.equal('flowerType:roses');
      expect(rsoe).to.include('category:Rose Collection#c-roses');
      expect(await suggest('crimsn')).to.deep.equal(['product:Crimson Devotion#red-anniversary']);
      expect((await suggest('tul'))[0]).to.equal('flowerType:tulips');
      expect(await suggest('tul')).to.include('product:Pink Tulip Parade#tulips');
      expect((await suggest('birth'))[0]).to.equal('occasion:birthday');
      expect(await suggest('whi')).to.include('color:white');
      expect(await suggest('bouq')).to.include('category:Bouquets#c-bouquets');
      expect(await suggest('crimson dev')).to.deep.equal(['product:Crimson Devotion#red-anniversary']);
      expect(await suggest('rsoe', 2)).to.have.length(2);
      expect(await suggest('qqqq')).to.deep.equal([]);
    });

    it('follows the documents: a facet value, category or product leaves with the last product using it', async () => {
      expect(await suggest('orchi')).to.include('flowerType:orchids');
      await index.remove('orchid');
      expect(await suggest('orchi')).to.deep.equal([]);
      await index.upsert({
        ...CATALOG[3]!,
        flowerTypes: ['orchids'],
        category: 'Orchid Corner',
        categoryId: 'c-orch',
      });
      expect(await suggest('orchi')).to.include.members([
        'flowerType:orchids',
        'category:Orchid Corner#c-orch',
      ]);
      expect(await suggest('tulip')).to.include('product:Pink Tulip Parade#tulips');
      expect(await suggest('tulip')).to.not.include('flowerType:tulips');
      // a renamed category answers its new name
      await index.upsert({ ...CATALOG[0]!, category: 'Roses & More' });
      await index.upsert({ ...CATALOG[1]!, category: 'Roses & More' });
      expect(await suggest('rose')).to.include('category:Roses & More#c-roses');
      expect(await suggest('rose')).to.not.include('category:Rose Collection#c-roses');
    });
  });
});
