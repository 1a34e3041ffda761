import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import type { SearchIndex } from '../../../application/search/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import { fromMajor } from '../../../domain/shared/money.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';
import { FIXED_NOW, aProduct } from '../../support/kit.js';
import { documentOf, searchIndexOf } from '../../support/search-index.js';

describe('GET /api/products/search/advanced', () => {
  let t: TestApp;
  let index: SearchIndex;
  let a: Product, b: Product, c: Product, d: Product;
  const at = (minutes: number) => new Date(FIXED_NOW.getTime() + minutes * 60_000);
  const get = (query: string) => t.request({ method: 'GET', url: `/api/products/search/advanced?${query}` });
  const ids = async (query: string) => {
    const res = await get(query);
    expect(res.statusCode, res.body).to.equal(200);
    return res.json().data.products.map((p: { _id: string }) => p._id);
  };
  const name = (p: Product) => p.id;

  before(async () => {
    t = await buildTestApp({ SEED_DEMO: 'false' });
    const repo = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const make = (o: Partial<Product>) => repo.create(aProduct({ categoryId: null, tags: [], ...o }));
    const stock = (n: number) => ({ stock: n, lowStockThreshold: 1, isAvailable: true });
    a = await make({
      name: 'Red Rose Bouquet',
      price: fromMajor(450),
      occasions: ['birthday'],
      flowerTypes: ['roses'],
      colors: ['red'],
      ratings: { average: 4.5, count: 10 },
      salesCount: 10,
      createdAt: at(1),
      inventory: stock(5),
      location: { lat: 19.0596, lng: 72.8295 }, // a Mumbai florist
    });
    b = await make({
      name: 'White Wedding Lilies',
      price: fromMajor(1500),
      occasions: ['wedding'],
      flowerTypes: ['lilies'],
      colors: ['white'],
      ratings: { average: 3.5, count: 4 },
      salesCount: 50,
      createdAt: at(2),
      inventory: stock(5),
    });
    c = await make({
      name: 'Birthday Tulips',
      price: fromMajor(800),
      occasions: ['birthday'],
      flowerTypes: ['tulips'],
      colors: ['pink'],
      ratings: { average: 4.8, count: 2 },
      salesCount: 5,
      createdAt: at(3),
      inventory: stock(0),
    });
    d = await make({
      name: 'Rose Wedding Arch',
      price: fromMajor(6000),
      occasions: ['wedding', 'birthday'],
      flowerTypes: ['roses'],
      colors: ['red'],
      ratings: { average: 2, count: 1 },
      salesCount: 1,
      createdAt: at(4),
      inventory: stock(3),
      location: { lat: 26.8467, lng: 80.9462 }, // a Lucknow florist, not a serviceable city
    });
    index = searchIndexOf(t.container);
    await index.replaceAll([a, b, c, d].map((p) => documentOf(p)));
  });
  after(async () => {
    await t.close();
  });

  it('bracketed and JSON filters give the same answer (and /api/api too)', async () => {
    const bracketed =
      'filters[occasion][]=birthday&filters[occasion][]=wedding&filters[priceRange][min]=500' +
      '&filters[availability]=in-stock&filters[rating][min]=2';
    const json = `filters=${encodeURIComponent(
      JSON.stringify({
        occasion: ['birthday', 'wedding'],
        priceRange: { min: 500 },
        availability: 'in-stock',
        rating: { min: 2 },
      }),
    )}`;
    const one = await get(bracketed);
    const two = await get(json);
    expect(one.statusCode, one.body).to.equal(200);
    expect(two.statusCode, two.body).to.equal(200);
    expect(one.json()).to.deep.equal(two.json());
    expect(one.json().data.products.map((p: { _id: string }) => p._id)).to.deep.equal([b.id, d.id]);
    expect(one.json()).to.include({ status: 'success', success: true });
    const alias = await t.request({ method: 'GET', url: `/api/api/products/search/advanced?${bracketed}` });
    expect(alias.json()).to.deep.equal(one.json());
  });

  it('each filter', async () => {
    expect(await ids('filters[occasion][]=wedding')).to.deep.equal([b.id, d.id]);
    expect(await ids('filters[occasion]=birthday')).to.deep.equal([a.id, c.id, d.id]);
    expect(await ids('filters[flowerType][]=roses')).to.deep.equal([a.id, d.id]);
    expect(await ids('filters[color][]=pink&filters[color][]=white')).to.deep.equal([b.id, c.id]);
    expect(await ids('filters[priceRange][min]=450&filters[priceRange][max]=800')).to.deep.equal([
      a.id,
      c.id,
    ]);
    expect(await ids('filters[availability]=in-stock')).to.deep.equal([b.id, a.id, d.id]);
    expect(await ids('filters[rating][min]=4.5')).to.deep.equal([a.id, c.id]);
    expect(await ids('q=rose&filters[color][]=red&filters[priceRange][max]=500')).to.deep.equal([a.id]);
  });

  it('each sort; the default is popularity without q and the index relevance order with q', async () => {
    expect(await ids('')).to.deep.equal([b, a, c, d].map(name));
    expect(await ids('sort=popularity')).to.deep.equal([b, a, c, d].map(name));
    expect(await ids('sort=price-asc')).to.deep.equal([a, c, b, d].map(name));
    expect(await ids('sort=price-desc')).to.deep.equal([d, b, c, a].map(name));
    expect(await ids('sort=rating')).to.deep.equal([c, a, b, d].map(name));
    expect(await ids('sort=newest')).to.deep.equal([d, c, b, a].map(name));
    const relevance = (await index.match('wedding')).map((m) => m.id);
    expect(relevance).to.have.members([b.id, d.id]);
    expect(await ids('q=wedding')).to.deep.equal(relevance);
    expect(await ids('q=wedding&sort=relevance')).to.deep.equal(relevance);
    expect(await ids('q=wedding&sort=price-asc')).to.deep.equal([b.id, d.id]);
  });

  it('facets=true counts each facet with every filter but its own; absent otherwise', async () => {
    expect((await get('filters[occasion][]=wedding')).json().data).to.not.have.property('facets');
    const res = await get('facets=true&filters[occasion][]=wedding');
    const { facets, total } = res.json().data;
    expect(total).to.equal(2);
    expect(facets.occasions).to.deep.equal([
      { value: 'birthday', count: 3 },
      { value: 'wedding', count: 2 },
    ]);
    expect(facets.colors).to.deep.equal([
      { value: 'red', count: 1 },
      { value: 'white', count: 1 },
    ]);
    expect(facets.priceBands).to.deep.equal([
      { value: '1000-1999', min: 1000, max: 2000, count: 1 },
      { value: '5000+', min: 5000, count: 1 },
    ]);
    expect(facets.ratingBands.map((r: { value: string; count: number }) => [r.value, r.count])).to.deep.equal(
      [
        ['3+', 1],
        ['2+', 2],
        ['1+', 2],
      ],
    );
    const byPrice = (await get('facets=true&filters[priceRange][max]=999')).json().data.facets;
    expect(byPrice.priceBands.map((p: { value: string }) => p.value)).to.deep.equal([
      '<500',
      '500-999',
      '1000-1999',
      '5000+',
    ]);
  });

  it('pages: total and pages over the whole result', async () => {
    const res = await get('limit=3&page=2');
    expect(res.json().data).to.deep.include({ total: 4, page: 2, pages: 2 });
    expect(res.json().data.products.map((p: { _id: string }) => p._id)).to.deep.equal([d.id]);
    expect(await ids('limit=2&page=3')).to.deep.equal([]);
  });

  it('nearby by city: a florist there and the shop’s own products; by coordinates and radius', async () => {
    // Mumbai: its florist (a) and the shop's own (b, c) but not the Lucknow florist (d)
    expect(await ids('filters[location][city]=Mumbai')).to.deep.equal([b.id, a.id, c.id]);
    expect(await ids(`filters=${encodeURIComponent('{"location":{"city":"mumbai"}}')}`)).to.deep.equal([
      b.id,
      a.id,
      c.id,
    ]);
    // Lucknow is known but not serviceable: only its florist delivers there
    expect(await ids('filters[location][lat]=26.85&filters[location][lng]=80.95')).to.deep.equal([d.id]);
    expect(await ids('filters[location][city]=Lucknow')).to.deep.equal([d.id]);
    // Pune (about 120 km from Bandra): the shop delivers, the Mumbai florist only with a wider radius
    expect(await ids('filters[location][city]=Pune')).to.deep.equal([b.id, c.id]);
    expect(await ids('filters[location][city]=Pune&filters[location][radiusKm]=150')).to.deep.equal([
      b.id,
      a.id,
      c.id,
    ]);
    // nowhere near anything
    expect(await ids('filters[location][lat]=0&filters[location][lng]=0')).to.deep.equal([]);
  });

  it('400 naming the field for bad input', async () => {
    const cases: Array<[string, string]> = [
      ['filters=%7Bnot-json', 'querystring.filters'],
      ['filters[occasion][]=funeral', 'querystring.filters.occasion'],
      ['filters[priceRange][min]=900&filters[priceRange][max]=100', 'querystring.filters.priceRange'],
      ['filters[priceRange][min]=-1', 'querystring.filters.priceRange.min'],
      ['filters[rating][min]=6', 'querystring.filters.rating.min'],
      ['filters[availability]=maybe', 'querystring.filters.availability'],
      ['filters[location][lat]=10', 'querystring.filters.location'],
      ['filters[location][lat]=100&filters[location][lng]=10', 'querystring.filters.location.lat'],
      ['filters[colour][]=red', 'querystring.filters.colour'],
      ['filters[__proto__][x]=1', 'querystring.filters'],
      ['filters=%7B%7D&filters[occasion][]=birthday', 'querystring.filters'],
      ['sort=cheapest', 'querystring.sort'],
      ['limit=0', 'querystring.limit'],
    ];
    for (const [query, field] of cases) {
      const res = await get(query);
      expect(res.statusCode, `${query}: ${res.body}`).to.equal(400);
      expect(res.json().code, query).to.equal('VALIDATION_FAILED');
      expect(res.json().message, query).to.contain(field);
    }
    const city = await get('filters[location][city]=Atlantis');
    expect(city.statusCode).to.equal(400);
    expect(city.json().code).to.equal('UNKNOWN_CITY');
    expect(city.json().message).to.contain('filters.location.city');
  });
});
