import { expect } from 'chai';
import {
  countFacets,
  defaultSort,
  isDeliverableNear,
  matchesFilters,
  priceBandOf,
  sortDocuments,
  type SearchFilters,
} from '../../../domain/search/advanced.js';
import type { SearchDocument } from '../../../domain/search/document.js';

const MUMBAI = { lat: 19.076, lng: 72.8777 };
const PUNE = { lat: 18.5204, lng: 73.8567 };

const doc = (id: string, o: Partial<SearchDocument> = {}): SearchDocument => ({
  id,
  name: id,
  description: '',
  tags: [],
  category: 'Bouquets',
  categoryId: 'c1',
  flowerTypes: ['roses'],
  occasions: ['birthday'],
  colors: ['red'],
  price: 100_000,
  rating: 4.5,
  reviewCount: 10,
  inStock: true,
  salesCount: 0,
  createdAt: 0,
  ...o,
});

const docs = [
  doc('a', { price: 40_000, rating: 4.8, occasions: ['birthday', 'wedding'], salesCount: 5, createdAt: 3 }),
  doc('b', {
    price: 150_000,
    rating: 3.2,
    occasions: ['wedding'],
    colors: ['white'],
    salesCount: 50,
    createdAt: 1,
  }),
  doc('c', {
    price: 600_000,
    rating: 2.5,
    occasions: ['sympathy'],
    flowerTypes: ['lilies'],
    inStock: false,
    categoryId: 'c2',
    category: 'Plants',
    createdAt: 2,
  }),
  doc('d', { price: 75_000, rating: 0, reviewCount: 0, occasions: [], categoryId: null, category: '' }),
];
const ids = (list: readonly SearchDocument[]) => list.map((d) => d.id);
const kept = (filters: SearchFilters) => ids(docs.filter((d) => matchesFilters(d, filters)));

describe('domain/search/advanced', () => {
  it('filters: lists match any value, filters combine with AND, price bounds inclusive', () => {
    expect(kept({})).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(kept({ occasions: ['wedding'] })).to.deep.equal(['a', 'b']);
    expect(kept({ occasions: ['wedding', 'sympathy'] })).to.deep.equal(['a', 'b', 'c']);
    expect(kept({ occasions: ['wedding'], colors: ['white'] })).to.deep.equal(['b']);
    expect(kept({ flowerTypes: ['lilies'] })).to.deep.equal(['c']);
    expect(kept({ categoryIds: ['c2'] })).to.deep.equal(['c']);
    expect(kept({ priceRange: { min: 75_000, max: 150_000 } })).to.deep.equal(['b', 'd']);
    expect(kept({ priceRange: { max: 40_000 } })).to.deep.equal(['a']);
    expect(kept({ inStock: true })).to.deep.equal(['a', 'b', 'd']);
    expect(kept({ inStock: false })).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(kept({ minRating: 3.2 })).to.deep.equal(['a', 'b']);
  });

  it('nearby: a florist within the radius of the point; the shop’s own products where the shop delivers', () => {
    const florist = doc('f', { location: PUNE });
    const shop = doc('s');
    const nearPune = { point: { lat: 18.53, lng: 73.85 }, radiusKm: 25, shopDelivers: true };
    expect(isDeliverableNear(florist, nearPune)).to.equal(true);
    expect(isDeliverableNear(shop, nearPune)).to.equal(true);
    const inMumbai = { point: MUMBAI, radiusKm: 25, shopDelivers: true };
    expect(isDeliverableNear(florist, inMumbai)).to.equal(false); // ~120 km away
    expect(isDeliverableNear(florist, { ...inMumbai, radiusKm: 150 })).to.equal(true);
    expect(isDeliverableNear(shop, { ...inMumbai, shopDelivers: false })).to.equal(false);
  });

  it('sorts: relevance keeps the given order; the others order by their key, ties in given order', () => {
    expect(ids(sortDocuments(docs, 'relevance'))).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(ids(sortDocuments(docs, 'price-asc'))).to.deep.equal(['a', 'd', 'b', 'c']);
    expect(ids(sortDocuments(docs, 'price-desc'))).to.deep.equal(['c', 'b', 'd', 'a']);
    expect(ids(sortDocuments(docs, 'rating'))).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(ids(sortDocuments(docs, 'newest'))).to.deep.equal(['a', 'c', 'b', 'd']);
    expect(ids(sortDocuments(docs, 'popularity'))).to.deep.equal(['b', 'a', 'c', 'd']);
    expect(ids(sortDocuments([...docs].reverse(), 'relevance'))).to.deep.equal(['d', 'c', 'b', 'a']);
    expect(defaultSort(true)).to.equal('relevance');
    expect(defaultSort(false)).to.equal('popularity');
  });

  it('price bands in rupees, edges in the upper band', () => {
    expect(priceBandOf(49_999)).to.equal('<500');
    expect(priceBandOf(50_000)).to.equal('500-999');
    expect(priceBandOf(199_999)).to.equal('1000-1999');
    expect(priceBandOf(200_000)).to.equal('2000-4999');
    expect(priceBandOf(500_000)).to.equal('5000+');
  });

  it('facets without filters count every candidate; zero counts are left out', () => {
    const f = countFacets(docs, {});
    expect(f.occasions).to.deep.equal([
      { value: 'wedding', count: 2 },
      { value: 'birthday', count: 1 },
      { value: 'sympathy', count: 1 },
    ]);
    expect(f.flowerTypes).to.deep.equal([
      { value: 'roses', count: 3 },
      { value: 'lilies', count: 1 },
    ]);
    expect(f.colors).to.deep.equal([
      { value: 'red', count: 3 },
      { value: 'white', count: 1 },
    ]);
    expect(f.categories).to.deep.equal([
      { value: 'c1', label: 'Bouquets', count: 2 },
      { value: 'c2', label: 'Plants', count: 1 },
    ]);
    expect(f.priceBands.map((b) => [b.value, b.count])).to.deep.equal([
      ['<500', 1],
      ['500-999', 1],
      ['1000-1999', 1],
      ['5000+', 1],
    ]);
    expect(f.ratingBands.map((b) => [b.value, b.count])).to.deep.equal([
      ['4+', 1],
      ['3+', 2],
      ['2+', 3],
      ['1+', 3],
    ]);
  });

  it('facets are disjunctive: each facet applies every filter but its own', () => {
    const f = countFacets(docs, { occasions: ['wedding'], minRating: 4 });
    // occasions: only minRating applies -> a (birthday, wedding)
    expect(f.occasions).to.deep.equal([
      { value: 'birthday', count: 1 },
      { value: 'wedding', count: 1 },
    ]);
    // rating bands: only the occasion applies -> a (4.8), b (3.2)
    expect(f.ratingBands.map((b) => [b.value, b.count])).to.deep.equal([
      ['4+', 1],
      ['3+', 2],
      ['2+', 2],
      ['1+', 2],
    ]);
    // the other facets apply both -> a only
    expect(f.colors).to.deep.equal([{ value: 'red', count: 1 }]);
    expect(f.priceBands.map((b) => [b.value, b.count])).to.deep.equal([['<500', 1]]);
    const byPrice = countFacets(docs, { priceRange: { min: 100_000 } });
    expect(byPrice.priceBands.map((b) => b.value)).to.deep.equal(['<500', '500-999', '1000-1999', '5000+']);
    expect(byPrice.occasions.map((o) => o.value)).to.deep.equal(['sympathy', 'wedding']);
  });
});
