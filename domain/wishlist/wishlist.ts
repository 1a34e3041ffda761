/**
 * The wishlist is the user's `favorites` (compat 6): product ids in insertion order, no
 * duplicates. These pure functions are the only rules; adapters apply them atomically to the
 * stored user record.
 */
export type Wishlist = readonly string[];

/** Appends `productId` unless present. `added` is false (and the list unchanged) when it was. */
export function addToWishlist(wishlist: Wishlist, productId: string): { wishlist: Wishlist; added: boolean } {
  if (wishlist.includes(productId)) return { wishlist, added: false };
  return { wishlist: [...wishlist, productId], added: true };
}

/** Removes `productId` (every occurrence, should a legacy record hold duplicates). */
export function removeFromWishlist(
  wishlist: Wishlist,
  productId: string,
): { wishlist: Wishlist; removed: boolean } {
  if (!wishlist.includes(productId)) return { wishlist, removed: false };
  return { wishlist: wishlist.filter((id) => id !== productId), removed: true };
}

/** The ids in insertion order with duplicates dropped (first occurrence wins). */
export function normalizeWishlist(wishlist: Wishlist): Wishlist {
  return [...new Set(wishlist)];
}
