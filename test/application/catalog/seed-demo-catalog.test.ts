import { expect } from 'chai';
import { COLORS, FLOWER_TYPES, OCCASIONS } from '../../../domain/catalog/product.js';
import { catalogKit } from './kit.js';

describe('application/catalog SeedDemoCatalog', () => {
  it('meets the demo minimums and uses every occasion, flower type and colour', async () => {
    const k = catalogKit();
    const progress: Array<[number, number]> = [];
    const result = (await k.seed.execute({ onProgress: (d, t) => progress.push([d, t]) })).unwrap();
    const products = await k.products.all();
    const categories = await k.categories.list();
    expect(products.length).to.be.at.least(30);
    expect(categories.length).to.be.at.least(5);
    expect(result.productsCreated).to.equal(products.length);
    expect(result.categoriesCreated).to.equal(categories.length);
    expect(categories.some((c) => c.parentCategoryId !== null)).to.equal(true);
    for (const o of OCCASIONS)
      expect(
        products.some((p) => p.occasions.includes(o)),
        o,
      ).to.equal(true);
    for (const f of FLOWER_TYPES)
      expect(
        products.some((p) => p.flowerTypes.includes(f)),
        f,
      ).to.equal(true);
    for (const c of COLORS)
      expect(
        products.some((p) => p.colors.includes(c)),
        c,
      ).to.equal(true);
    const withOptions = products.filter((p) => p.sizes.length === 3 && p.vases.length === 3);
    expect(withOptions.length).to.be.greaterThan(products.length / 2);
    expect(products.filter((p) => p.inventory.stock === 0)).to.have.length.at.least(1);
    expect(products.filter((p) => p.inventory.stock > 0 && p.inventory.stock <= 5)).to.have.length.at.least(
      2,
    );
    expect(products.some((p) => p.isFeatured)).to.equal(true);
    expect(products.some((p) => p.isPopular)).to.equal(true);
    expect(products.some((p) => p.originalPrice !== undefined && p.originalPrice > p.price)).to.equal(true);
    // a few local florists for the "nearby" search: one in Mumbai, one in Bangalore
    const florists = products.filter((p) => p.location !== undefined);
    expect(florists.length).to.be.within(2, 5);
    expect(await k.products.findNear({ lat: 19.076, lng: 72.8777 }, 25)).to.have.length(1);
    expect(await k.products.findNear({ lat: 12.9716, lng: 77.5946 }, 25)).to.have.length(1);
    for (const p of products) {
      expect(p.price).to.be.within(89900, 499900);
      expect(p.images.length).to.be.greaterThan(0);
      for (const i of p.images) expect(i.url).to.match(/^https:\/\//);
      expect(p.categoryId).to.be.a('string');
      expect(categories.some((c) => c.id === p.categoryId)).to.equal(true);
      expect(p.seo.keywords.length).to.be.greaterThan(0);
      expect(p.careInstructions).to.be.a('string');
    }
    const total = result.productsTotal + result.categoriesTotal;
    expect(progress).to.have.length(total);
    expect(progress.at(-1)).to.deep.equal([total, total]);
  });

  it('is idempotent and, with onlyIfEmpty, skips a store that has data', async () => {
    const k = catalogKit();
    await k.seed.execute();
    const again = (await k.seed.execute()).unwrap();
    expect([again.productsCreated, again.categoriesCreated, again.skipped]).to.deep.equal([0, 0, false]);
    const skipped = (await k.seed.execute({ onlyIfEmpty: true })).unwrap();
    expect(skipped.skipped).to.equal(true);
    expect((await k.products.all()).length).to.equal(again.productsTotal);
  });

  it('gives later demo products later creation times (newest sort)', async () => {
    const k = catalogKit();
    await k.seed.execute();
    const page = (await k.list.execute({ sort: 'newest', limit: 100 })).unwrap();
    const times = page.items.map((v) => v.product.createdAt.getTime());
    expect(new Set(times).size).to.equal(times.length);
    expect([...times].sort((a, b) => b - a)).to.deep.equal(times);
  });
});
