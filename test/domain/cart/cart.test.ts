import { expect } from 'chai';
import fc from 'fast-check';
import {
  addLine,
  cartTotals,
  clearCart,
  newCart,
  quantityOf,
  removeLine,
  repriceCart,
  takeBack,
  updateLine,
  type Cart,
  type CartItem,
} from '../../../domain/cart/cart.js';
import type { Product } from '../../../domain/catalog/product.js';
import { lineTotal } from '../../../domain/shared/line-pricing.js';
import { aCart, FIXED_NOW, aProduct, testId } from '../../support/kit.js';

const LATER = new Date('2026-06-01T11:00:00.000Z');

function add(
  cart: Cart,
  product: Product,
  quantity: number,
  extra: { size?: string; vase?: string; personalNote?: string } = {},
) {
  return addLine(cart, { product, quantity, ...extra }, testId(), LATER);
}

describe('domain/cart', () => {
  const rosesBase = () =>
    aProduct({
      price: 129900,
      sizes: [
        { id: testId(), name: 'Standard', price: 0 },
        { id: testId(), name: 'Deluxe', price: 50000 },
      ],
      vases: [
        { id: testId(), name: 'Default', price: 0 },
        { id: testId(), name: 'Premium', price: 30000 },
      ],
      inventory: { stock: 10, lowStockThreshold: 2, isAvailable: true },
    });

  describe('newCart', () => {
    it('starts empty, unsaved (version 0), with zero totals', () => {
      const cart = newCart('c1', 'u1', FIXED_NOW);
      expect(cart).to.deep.equal({
        id: 'c1',
        userId: 'u1',
        items: [],
        createdAt: FIXED_NOW,
        updatedAt: FIXED_NOW,
        version: 0,
      });
      expect(cartTotals(cart)).to.deep.equal({ subtotal: 0, total: 0 });
    });
  });

  describe('addLine', () => {
    it('adds a new line priced from the product and its chosen options (by name, case-insensitive)', () => {
      const p = rosesBase();
      const r = addLine(
        aCart(),
        { product: p, quantity: 2, size: 'deluxe', vase: 'PREMIUM', personalNote: '  Happy birthday ' },
        'line1',
        LATER,
      );
      expect(r.isOk()).to.equal(true);
      const { cart, itemId, merged } = r.unwrap();
      expect(itemId).to.equal('line1');
      expect(merged).to.equal(false);
      expect(cart.items).to.deep.equal([
        {
          id: 'line1',
          productId: p.id,
          quantity: 2,
          unitPrice: 129900,
          size: { name: 'Deluxe', price: 50000 },
          vase: { name: 'Premium', price: 30000 },
          personalNote: 'Happy birthday',
        },
      ]);
      expect(cart.updatedAt).to.equal(LATER);
      expect(cartTotals(cart)).to.deep.equal({ subtotal: (129900 + 50000 + 30000) * 2, total: 419800 });
    });

    it('omits unset options and blank notes (no empty objects)', () => {
      const p = rosesBase();
      const { cart } = add(aCart(), p, 1, { personalNote: '   ', size: '' }).unwrap();
      expect(cart.items[0]).to.deep.equal({
        id: cart.items[0]!.id,
        productId: p.id,
        quantity: 1,
        unitPrice: 129900,
      });
      expect(Object.keys(cart.items[0]!)).to.not.include.members(['size', 'vase', 'personalNote']);
    });

    it('merges into the line with the same size, vase and note', () => {
      const p = rosesBase();
      const first = add(aCart(), p, 2, {
        size: 'Deluxe',
        vase: 'Premium',
        personalNote: 'hi',
      }).unwrap();
      const second = add(first.cart, p, 3, { size: 'deluxe', vase: 'premium', personalNote: 'hi' }).unwrap();
      expect(second.merged).to.equal(true);
      expect(second.itemId).to.equal(first.itemId);
      expect(second.cart.items).to.have.length(1);
      expect(second.cart.items[0]!.quantity).to.equal(5);
    });

    it('makes a new line when the size, the vase or the note differs', () => {
      const p = rosesBase();
      let cart = add(aCart(), p, 1, { size: 'Deluxe' }).unwrap().cart;
      cart = add(cart, p, 1, { size: 'Standard' }).unwrap().cart;
      cart = add(cart, p, 1, { size: 'Deluxe', vase: 'Premium' }).unwrap().cart;
      cart = add(cart, p, 1, { size: 'Deluxe', personalNote: 'a note' }).unwrap().cart;
      cart = add(cart, p, 1).unwrap().cart;
      expect(cart.items).to.have.length(5);
      expect(quantityOf(cart, p.id)).to.equal(5);
      // and the same plain configuration merges
      const again = add(cart, p, 2).unwrap();
      expect(again.merged).to.equal(true);
      expect(again.cart.items).to.have.length(5);
      expect(again.cart.items[4]!.quantity).to.equal(3);
    });

    it('refuses an unknown size or vase, naming it (UNKNOWN_OPTION)', () => {
      const p = rosesBase();
      const size = add(aCart(), p, 1, { size: 'grand' });
      expect(size.isErr()).to.equal(true);
      expect(size.unwrapErr().code).to.equal('UNKNOWN_OPTION');
      expect(size.unwrapErr().message).to.contain("'grand'").and.contain('size');
      const vase = add(aCart(), p, 1, { vase: 'crystal' });
      expect(vase.unwrapErr().code).to.equal('UNKNOWN_OPTION');
      expect(vase.unwrapErr().message).to.contain("'crystal'").and.contain('vase');
      expect(vase.unwrapErr().details).to.deep.equal({ option: 'vase', name: 'crystal' });
    });

    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`refuses quantity ${bad} (INVALID_QUANTITY)`, () => {
        const r = add(aCart(), rosesBase(), bad);
        expect(r.unwrapErr().code).to.equal('INVALID_QUANTITY');
      });
    }

    it('checks stock over all lines of the product', () => {
      const p = rosesBase(); // stock 10
      const cart = add(aCart(), p, 6, { size: 'Deluxe' }).unwrap().cart;
      const over = add(cart, p, 5, { size: 'Standard' });
      expect(over.isErr()).to.equal(true);
      expect(over.unwrapErr().code).to.equal('INSUFFICIENT_STOCK');
      expect(over.unwrapErr().message).to.equal('Insufficient stock');
      const exact = add(cart, p, 4, { size: 'Standard' });
      expect(quantityOf(exact.unwrap().cart, p.id)).to.equal(10);
    });

    it('refuses an unavailable product whatever its stock as PRODUCT_UNAVAILABLE, not as a stock shortage', () => {
      const p = aProduct({ inventory: { stock: 50, lowStockThreshold: 1, isAvailable: false } });
      const error = add(aCart(), p, 1).unwrapErr();
      expect(error.code).to.equal('PRODUCT_UNAVAILABLE');
      expect(error.details).to.deep.equal({ productId: p.id });
      expect(error.details).to.not.have.property('available');
    });

    it('a stock shortage names the units in stock', () => {
      const p = rosesBase(); // stock 10
      const error = add(aCart(), p, 11).unwrapErr();
      expect(error.code).to.equal('INSUFFICIENT_STOCK');
      expect(error.details).to.deep.equal({ productId: p.id, available: 10 });
    });

    it('refuses a personal note longer than 500 characters', () => {
      const p = rosesBase();
      expect(add(aCart(), p, 1, { personalNote: 'x'.repeat(500) }).isOk()).to.equal(true);
      const r = add(aCart(), p, 1, { personalNote: 'x'.repeat(501) });
      expect(r.unwrapErr().code).to.equal('VALIDATION_FAILED');
    });

    it('never changes the cart it was given', () => {
      const p = rosesBase();
      const cart = add(aCart(), p, 1).unwrap().cart;
      const snapshot = structuredClone(cart);
      add(cart, p, 2);
      add(cart, p, 100);
      expect(cart).to.deep.equal(snapshot);
    });
  });

  describe('updateLine', () => {
    it('sets the quantity within stock, counting the other lines of the product', () => {
      const p = rosesBase(); // stock 10
      const a = add(aCart(), p, 3, { size: 'Deluxe' }).unwrap();
      const b = add(a.cart, p, 2, { size: 'Standard' }).unwrap();
      const ok = updateLine(b.cart, a.itemId, { quantity: 8 }, p, LATER).unwrap();
      expect(ok.items.map((i) => i.quantity)).to.deep.equal([8, 2]);
      const over = updateLine(b.cart, a.itemId, { quantity: 9 }, p, LATER);
      expect(over.unwrapErr().code).to.equal('INSUFFICIENT_STOCK');
    });

    it('refuses a quantity below 1 or fractional', () => {
      const p = rosesBase();
      const a = add(aCart(), p, 3).unwrap();
      expect(updateLine(a.cart, a.itemId, { quantity: 0 }, p, LATER).unwrapErr().code).to.equal(
        'INVALID_QUANTITY',
      );
      expect(updateLine(a.cart, a.itemId, { quantity: 2.5 }, p, LATER).unwrapErr().code).to.equal(
        'INVALID_QUANTITY',
      );
    });

    it('sets and clears the personal note without touching the quantity', () => {
      const p = rosesBase();
      const a = add(aCart(), p, 3).unwrap();
      const noted = updateLine(a.cart, a.itemId, { personalNote: 'With love' }, p, LATER).unwrap();
      expect(noted.items[0]).to.include({ personalNote: 'With love', quantity: 3 });
      const cleared = updateLine(noted, a.itemId, { personalNote: '' }, p, LATER).unwrap();
      expect(cleared.items[0]).to.not.have.property('personalNote');
      expect(
        updateLine(a.cart, a.itemId, { personalNote: 'y'.repeat(501) }, p, LATER).unwrapErr().code,
      ).to.equal('VALIDATION_FAILED');
    });

    it('answers CART_ITEM_NOT_FOUND "Item not found in cart" for an unknown line', () => {
      const r = updateLine(aCart(), 'nope', { quantity: 1 }, rosesBase(), LATER);
      expect(r.unwrapErr()).to.deep.include({
        code: 'CART_ITEM_NOT_FOUND',
        message: 'Item not found in cart',
      });
    });
  });

  describe('removeLine, clearCart, takeBack', () => {
    it('removes a line; an unknown line answers the same cart', () => {
      const p = rosesBase();
      const a = add(aCart(), p, 1, { size: 'Deluxe' }).unwrap();
      const b = add(a.cart, p, 1).unwrap();
      const removed = removeLine(b.cart, a.itemId, LATER);
      expect(removed.items.map((i) => i.id)).to.deep.equal([b.itemId]);
      expect(removeLine(b.cart, 'unknown', LATER)).to.equal(b.cart);
    });

    it('clears every line', () => {
      const p = rosesBase();
      const a = add(aCart(), p, 4).unwrap();
      const cleared = clearCart(a.cart, LATER);
      expect(cleared.items).to.deep.equal([]);
      expect(cartTotals(cleared)).to.deep.equal({ subtotal: 0, total: 0 });
    });

    it('takeBack undoes a merge or a new line', () => {
      const p = rosesBase();
      const a = add(aCart(), p, 2).unwrap();
      const merged = add(a.cart, p, 3).unwrap();
      expect(takeBack(merged.cart, merged.itemId, 3, LATER).items[0]!.quantity).to.equal(2);
      expect(takeBack(a.cart, a.itemId, 2, LATER).items).to.deep.equal([]);
    });
  });

  describe('repriceCart', () => {
    it('re-reads base and option prices from the current product', () => {
      const p = rosesBase();
      const { cart } = add(aCart(), p, 2, { size: 'Deluxe', vase: 'Premium' }).unwrap();
      const dearer: Product = {
        ...p,
        price: 150000,
        sizes: [{ id: 's', name: 'Deluxe', price: 60000 }],
        vases: [{ id: 'v', name: 'Premium', price: 35000 }],
      };
      const r = repriceCart(cart, new Map([[p.id, dearer]]), LATER);
      expect(r.changed).to.equal(true);
      expect(r.cart.items[0]).to.deep.include({
        unitPrice: 150000,
        size: { name: 'Deluxe', price: 60000 },
        vase: { name: 'Premium', price: 35000 },
      });
      expect(cartTotals(r.cart).subtotal).to.equal((150000 + 60000 + 35000) * 2);
    });

    it('keeps an option the product no longer offers at its last price', () => {
      const p = rosesBase();
      const { cart } = add(aCart(), p, 1, { size: 'Deluxe' }).unwrap();
      const r = repriceCart(cart, new Map([[p.id, { ...p, sizes: [] }]]), LATER);
      expect(r.changed).to.equal(false);
      expect(r.cart).to.equal(cart);
    });

    it('drops lines whose product is gone and leaves unchanged carts alone', () => {
      const p = rosesBase();
      const q = aProduct();
      const a = add(aCart(), p, 1).unwrap();
      const b = add(a.cart, q, 1).unwrap();
      const same = repriceCart(
        b.cart,
        new Map([
          [p.id, p],
          [q.id, q],
        ]),
        LATER,
      );
      expect(same.changed).to.equal(false);
      expect(same.cart).to.equal(b.cart);
      const dropped = repriceCart(b.cart, new Map([[q.id, q]]), LATER);
      expect(dropped.changed).to.equal(true);
      expect(dropped.cart.items.map((i) => i.productId)).to.deep.equal([q.id]);
    });
  });

  describe('pricing (property)', () => {
    const item = fc.record({
      unitPrice: fc.integer({ min: 0, max: 10_000_000 }),
      quantity: fc.integer({ min: 1, max: 1000 }),
      size: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
      vase: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
    });

    it('subtotal is the sum of line totals, equals total, is a non-negative integer', () => {
      fc.assert(
        fc.property(fc.array(item, { maxLength: 30 }), (raw) => {
          const items: CartItem[] = raw.map((r, i) => ({
            id: `l${i}`,
            productId: `p${i}`,
            quantity: r.quantity,
            unitPrice: r.unitPrice,
            ...(r.size !== undefined ? { size: { name: 's', price: r.size } } : {}),
            ...(r.vase !== undefined ? { vase: { name: 'v', price: r.vase } } : {}),
          }));
          const { subtotal, total } = cartTotals(aCart({ items }));
          const expected = raw.reduce(
            (s, r) => s + (r.unitPrice + (r.size ?? 0) + (r.vase ?? 0)) * r.quantity,
            0,
          );
          expect(subtotal).to.equal(expected);
          expect(subtotal).to.equal(items.reduce((s, i) => s + lineTotal(i), 0));
          expect(total).to.equal(subtotal);
          expect(Number.isSafeInteger(subtotal)).to.equal(true);
          expect(subtotal).to.be.at.least(0);
        }),
      );
    });

    it('adding through addLine keeps totals consistent with the product prices', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              price: fc.integer({ min: 1, max: 5_000_000 }),
              quantity: fc.integer({ min: 1, max: 20 }),
              deluxe: fc.boolean(),
            }),
            { minLength: 1, maxLength: 10 },
          ),
          (adds) => {
            let cart = aCart();
            let expected = 0;
            for (const a of adds) {
              const p = aProduct({
                price: a.price,
                sizes: [{ id: 'd', name: 'Deluxe', price: 12345 }],
                inventory: { stock: 100, lowStockThreshold: 1, isAvailable: true },
              });
              cart = addLine(
                cart,
                { product: p, quantity: a.quantity, ...(a.deluxe ? { size: 'Deluxe' } : {}) },
                testId(),
                LATER,
              ).unwrap().cart;
              expected += (a.price + (a.deluxe ? 12345 : 0)) * a.quantity;
            }
            expect(cartTotals(cart).subtotal).to.equal(expected);
          },
        ),
      );
    });
  });
});
