import type { DomainEvent } from '../shared/events.js';

/** Catalog facts (cache invalidation, realtime stock, analytics subscribe to them). */
export type ProductChanged = DomainEvent<
  'catalog.product-created' | 'catalog.product-updated' | 'catalog.product-deleted',
  { readonly productId: string }
>;
export type StockChanged = DomainEvent<
  'catalog.stock-changed',
  { readonly productId: string; readonly stock: number }
>;
export type CategoryChanged = DomainEvent<
  'catalog.category-created' | 'catalog.category-updated' | 'catalog.category-deleted',
  { readonly categoryId: string }
>;

export function productEvent(type: ProductChanged['type'], productId: string, at: Date): ProductChanged {
  return { type, occurredAt: at, payload: { productId } };
}

export function stockChanged(productId: string, stock: number, at: Date): StockChanged {
  return { type: 'catalog.stock-changed', occurredAt: at, payload: { productId, stock } };
}

export function categoryEvent(type: CategoryChanged['type'], categoryId: string, at: Date): CategoryChanged {
  return { type, occurredAt: at, payload: { categoryId } };
}
