import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import {
  AddToCart,
  ApplyPromoToCart,
  ClearCart,
  CurrentCart,
  GetCart,
  RemoveCartItem,
  RemovePromoFromCart,
  UpdateCartItem,
} from '../../application/cart/use-cases.js';
import { PromoEvaluator } from '../../application/promotions/use-cases.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CLOCK, EVENT_BUS, ID_GENERATOR } from '../../application/shared/ports.js';
import { CartStore } from '../../application/cart/cart-store.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

export function bindCart(container: Container, _config: Config): void {
  const store = [CART_REPOSITORY, PRODUCT_REPOSITORY, CLOCK, ID_GENERATOR, EVENT_BUS] as const;
  const deps = [...store, PromoEvaluator] as const;
  // The one writer of carts (each write with its cart.cart-changed notice); handlers take it too.
  bindUseCase(container, CartStore, store);
  bindUseCase(container, GetCart, deps);
  bindUseCase(container, CurrentCart, deps);
  bindUseCase(container, AddToCart, deps);
  bindUseCase(container, UpdateCartItem, deps);
  bindUseCase(container, RemoveCartItem, deps);
  bindUseCase(container, ClearCart, deps);
  bindUseCase(container, ApplyPromoToCart, deps);
  bindUseCase(container, RemovePromoFromCart, deps);
}
