import { recordEvent, type DomainEvent } from '../shared/events.js';

/** Every fact the catalog records (types follow domain/shared/events.ts's scheme). */
export const CATALOG_EVENT_TYPES = [
  'catalog.product-created',
  'catalog.product-updated',
  'catalog.product-deleted',
  'catalog.stock-changed',
  'catalog.category-created',
  'catalog.category-updated',
  'catalog.category-deleted',
] as const;

/**
 * Catalog facts are notices that something changed ("product X changed"): their handlers (cache
 * invalidation, later realtime stock and search indexing) read the current state, so a notice
 * delivered twice, or once for a write that did not land, does no harm.
 */
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
export type CatalogEvent = ProductChanged | StockChanged | CategoryChanged;

/** `changeKey`: unique to the change (the caller's id generator gives one). */
export function productEvent(
  type: ProductChanged['type'],
  productId: string,
  at: Date,
  changeKey: string,
): ProductChanged {
  return recordEvent<ProductChanged>({ id: productId, changeKey }, type, { productId }, at);
}

export function stockChanged(productId: string, stock: number, at: Date, changeKey: string): StockChanged {
  return recordEvent<StockChanged>(
    { id: productId, changeKey },
    'catalog.stock-changed',
    { productId, stock },
    at,
  );
}

export function categoryEvent(
  type: CategoryChanged['type'],
  categoryId: string,
  at: Date,
  changeKey: string,
): CategoryChanged {
  return recordEvent<CategoryChanged>({ id: categoryId, changeKey }, type, { categoryId }, at);
}
