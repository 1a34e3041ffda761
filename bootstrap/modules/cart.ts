import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import {
  AddToCart,
  ApplyPromoToCart,
  ClearCart,
  GetCart,
  RemoveCartItem,
  RemovePromoFromCart,
  UpdateCartItem,
} from '../../application/cart/use-cases.js';
import { PromoEvaluator } from '../../application/promotions/use-cases.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CLOCK, ID_GENERATOR } from '../../application/shared/ports.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

export function bindCart(container: Container, _config: Config): void {
  const deps = [CART_REPOSITORY, PRODUCT_REPOSITORY, CLOCK, ID_GENERATOR, PromoEvaluator] as const;
  bindUseCase(container, GetCart, deps);
  bindUseCase(container, AddToCart, deps);
  bindUseCase(container, UpdateCartItem, deps);
  bindUseCase(container, RemoveCartItem, deps);
  bindUseCase(container, ClearCart, deps);
  bindUseCase(container, ApplyPromoToCart, deps);
  bindUseCase(container, RemovePromoFromCart, deps);
}
