import { expect } from 'chai';
import fc from 'fast-check';
import { addToWishlist, normalizeWishlist, removeFromWishlist } from '../../../domain/wishlist/wishlist.js';

describe('domain/wishlist', () => {
  it('appends a new id at the end', () => {
    expect(addToWishlist(['a', 'b'], 'c')).to.deep.equal({ wishlist: ['a', 'b', 'c'], added: true });
  });

  it('never duplicates: a present id is not added and the list is the same object', () => {
    const list = ['a', 'b'];
    const r = addToWishlist(list, 'a');
    expect(r.added).to.equal(false);
    expect(r.wishlist).to.equal(list);
  });

  it('removes a present id and keeps the order of the rest', () => {
    expect(removeFromWishlist(['a', 'b', 'c'], 'b')).to.deep.equal({ wishlist: ['a', 'c'], removed: true });
  });

  it('removing an absent id is a no-op', () => {
    const list = ['a'];
    const r = removeFromWishlist(list, 'z');
    expect(r).to.deep.equal({ wishlist: ['a'], removed: false });
    expect(r.wishlist).to.equal(list);
  });

  it('normalize keeps the first occurrence of each id in order', () => {
    expect(normalizeWishlist(['b', 'a', 'b', 'c', 'a'])).to.deep.equal(['b', 'a', 'c']);
  });

  it('any sequence of adds and removes leaves a duplicate-free list (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd')), { maxLength: 50 }),
        (ops) => {
          let list: readonly string[] = [];
          const model = new Set<string>();
          for (const [isAdd, id] of ops) {
            if (isAdd) {
              const r = addToWishlist(list, id);
              expect(r.added).to.equal(!model.has(id));
              list = r.wishlist;
              model.add(id);
            } else {
              const r = removeFromWishlist(list, id);
              expect(r.removed).to.equal(model.has(id));
              list = r.wishlist;
              model.delete(id);
            }
            expect(new Set(list).size).to.equal(list.length);
            expect([...list].sort()).to.deep.equal([...model].sort());
          }
        },
      ),
    );
  });
});
