// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export { CurrentCart, type AddToCartInput } from './use-cases.js';
export { CartStore, type CartView } from './cart-store.js';
export type { CartPromoCheck, CartPromoEvaluation, CartRepository } from './ports.js';
