import { expect } from 'chai';
import {
  applyProductPatch,
  createProduct,
  productChanged,
  validateProductInput,
  withStock,
  type ProductInput,
} from '../../../domain/catalog/product-rules.js';
import { FIXED_NOW, aProduct, testId } from '../../support/kit.js';

const CATEGORY = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const valid: ProductInput = {
  name: '  Crimson Devotion  ',
  description: 'Twelve red roses',
  price: 149900,
  categoryId: CATEGORY,
};
const ctx = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', now: FIXED_NOW, newId: testId };

function errorOf(input: ProductInput, mode: 'create' | 'update' = 'create') {
  const r = validateProductInput(input, mode);
  expect(r.isErr(), 'expected a failure').to.equal(true);
  return r.isErr() ? r.error : undefined;
}

describe('domain/catalog product rules', () => {
  describe('create', () => {
    it('names every missing required field', () => {
      const e = errorOf({});
      expect(e).to.deep.equal({
        code: 'MISSING_FIELDS',
        message: 'Missing required fields',
        details: { missingFields: ['name', 'description', 'price', 'category'] },
      });
    });

    it('treats blank text and a null category as missing', () => {
      const e = errorOf({ ...valid, name: '   ', categoryId: null });
      expect(e?.details).to.deep.equal({ missingFields: ['name', 'category'] });
    });

    it("leaves the category id to the use case (an id shape is the store adapter's concern)", () => {
      expect(validateProductInput({ ...valid, categoryId: 'not-an-id' }, 'create').isOk()).to.equal(true);
    });

    for (const price of [0, -100]) {
      it(`refuses price ${price}`, () => {
        expect(errorOf({ ...valid, price })).to.deep.equal({
          code: 'INVALID_PRICE',
          message: 'Price must be greater than 0',
        });
      });
    }

    it('refuses negative stock', () => {
      expect(errorOf({ ...valid, inventory: { stock: -1 } })).to.deep.equal({
        code: 'NEGATIVE_STOCK',
        message: 'Inventory stock cannot be negative',
      });
    });

    it('enforces the text limits', () => {
      expect(errorOf({ ...valid, name: 'x'.repeat(101) })?.message).to.equal(
        'Product name cannot exceed 100 characters',
      );
      expect(validateProductInput({ ...valid, name: ` ${'x'.repeat(100)} ` }, 'create').isOk()).to.equal(
        true,
      );
      expect(errorOf({ ...valid, description: 'x'.repeat(1001) })?.code).to.equal('VALIDATION_FAILED');
      expect(errorOf({ ...valid, careInstructions: 'x'.repeat(501) })?.code).to.equal('VALIDATION_FAILED');
      expect(errorOf({ ...valid, deliveryInfo: 'x'.repeat(501) })?.code).to.equal('VALIDATION_FAILED');
      expect(validateProductInput({ ...valid, careInstructions: 'x'.repeat(500) }, 'create').isOk()).to.equal(
        true,
      );
    });

    it('refuses unknown enum values, imageless urls and bad options', () => {
      expect(errorOf({ ...valid, occasions: ['graduation'] })?.message).to.match(
        /^Invalid occasion: graduation/,
      );
      expect(errorOf({ ...valid, colors: ['blue'] })?.message).to.match(/^Invalid color: blue/);
      expect(errorOf({ ...valid, images: [{ url: ' ' }] })?.message).to.equal('Every image needs a url');
      expect(errorOf({ ...valid, sizes: [{ name: 'deluxe', price: -1 }] })?.code).to.equal(
        'VALIDATION_FAILED',
      );
    });

    it('builds the product with the model defaults, name trimmed, public_id optional', () => {
      const r = createProduct(
        {
          ...valid,
          images: [
            { url: 'https://img/a.jpg', alt: 'A' },
            { url: 'https://img/b.jpg', isPrimary: true },
          ],
        },
        ctx,
      );
      expect(r.isOk()).to.equal(true);
      const p = r.unwrap();
      expect(p.id).to.equal(ctx.id);
      expect(p.name).to.equal('Crimson Devotion');
      expect(p.categoryId).to.equal(CATEGORY);
      expect(p.inventory).to.deep.equal({ stock: 0, lowStockThreshold: 10, isAvailable: true });
      expect(p.ratings).to.deep.equal({ average: 0, count: 0 });
      expect([p.isFeatured, p.isPopular]).to.deep.equal([false, false]);
      expect(p.images.map((i) => [i.url, i.alt, i.isPrimary, i.publicId])).to.deep.equal([
        ['https://img/a.jpg', 'A', false, undefined],
        ['https://img/b.jpg', undefined, true, undefined],
      ]);
      expect(p.version).to.equal(1);
      expect(p.createdAt).to.equal(FIXED_NOW);
    });
  });

  describe('update', () => {
    it('checks only the fields present', () => {
      expect(validateProductInput({ isFeatured: true }, 'update').isOk()).to.equal(true);
      expect(errorOf({ price: 0 }, 'update')?.code).to.equal('INVALID_PRICE');
      expect(errorOf({ inventory: { stock: -5 } }, 'update')?.code).to.equal('NEGATIVE_STOCK');
      expect(validateProductInput({ categoryId: '123' }, 'update').isOk()).to.equal(true); // the use case checks it
      expect(errorOf({ name: '' }, 'update')?.details).to.deep.equal({ missingFields: ['name'] });
    });

    it('changes the given fields and keeps the rest, merging inventory', () => {
      const before = aProduct({ inventory: { stock: 20, lowStockThreshold: 7, isAvailable: true } });
      const later = new Date(FIXED_NOW.getTime() + 1000);
      const after = applyProductPatch(
        before,
        { name: '  New name ', inventory: { stock: 3 }, originalPrice: null },
        { now: later, newId: testId },
      ).unwrap();
      expect(after.name).to.equal('New name');
      expect(after.inventory).to.deep.equal({ stock: 3, lowStockThreshold: 7, isAvailable: true });
      expect(after.description).to.equal(before.description);
      expect(after.price).to.equal(before.price);
      expect(after.updatedAt).to.equal(later);
      expect(after.version).to.equal(before.version);
      expect(productChanged(before, after)).to.equal(true);
    });

    it('clears optional text with null and sees a no-op as unchanged', () => {
      const before = aProduct({ careInstructions: 'water daily' });
      const cleared = applyProductPatch(
        before,
        { careInstructions: null },
        { now: FIXED_NOW, newId: testId },
      ).unwrap();
      expect('careInstructions' in cleared).to.equal(false);
      const same = applyProductPatch(
        before,
        { isFeatured: false },
        { now: new Date(0), newId: testId },
      ).unwrap();
      expect(productChanged(before, same)).to.equal(false);
    });
  });

  it('sets stock only to a whole number of 0 or more', () => {
    const p = aProduct();
    expect(withStock(p, 7, FIXED_NOW).unwrap().inventory.stock).to.equal(7);
    const neg = withStock(p, -1, FIXED_NOW);
    expect(neg.isErr() && neg.error.code).to.equal('NEGATIVE_STOCK');
    const frac = withStock(p, 1.5, FIXED_NOW);
    expect(frac.isErr() && frac.error.code).to.equal('VALIDATION_FAILED');
  });

  it('keeps an optional florist location: checked, set on create, changed or cleared by a patch', () => {
    const mumbai = { lat: 19.076, lng: 72.8777 };
    const created = createProduct({ ...valid, location: mumbai }, ctx).unwrap();
    expect(created.location).to.deep.equal(mumbai);
    expect(createProduct(valid, ctx).unwrap()).to.not.have.property('location');
    for (const bad of [
      { lat: 91, lng: 0 },
      { lat: 0, lng: -181 },
      { lat: Number.NaN, lng: 0 },
    ]) {
      expect(errorOf({ location: bad }, 'update')?.code).to.equal('VALIDATION_FAILED');
    }
    const pune = { lat: 18.52, lng: 73.85 };
    expect(applyProductPatch(created, { location: pune }, ctx).unwrap().location).to.deep.equal(pune);
    expect(applyProductPatch(created, { name: 'x' }, ctx).unwrap().location).to.deep.equal(mumbai);
    expect(applyProductPatch(created, { location: null }, ctx).unwrap()).to.not.have.property('location');
  });
});
