import type { Product } from '../catalog/product.js';
import type { SearchDocument } from './document.js';

/** The document's `location` from a product's: spread it into the built document. */
export function searchLocationOf(product: Product): Pick<SearchDocument, 'location'> {
  return product.location !== undefined
    ? { location: { lat: product.location.lat, lng: product.location.lng } }
    : {};
}
