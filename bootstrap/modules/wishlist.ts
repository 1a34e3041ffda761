import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { APP_LOGGER, CLOCK, ID_GENERATOR } from '../../application/shared/ports.js';
import { WISHLIST_REPOSITORY } from '../../application/wishlist/ports.js';
import {
  AddToWishlist,
  ClearWishlist,
  GetWishlist,
  MoveWishlistItemToCart,
  RemoveFromWishlist,
} from '../../application/wishlist/use-cases.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

export function bindWishlist(container: Container, _config: Config): void {
  bindUseCase(container, GetWishlist, [WISHLIST_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, AddToWishlist, [WISHLIST_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, RemoveFromWishlist, [WISHLIST_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, ClearWishlist, [WISHLIST_REPOSITORY]);
  bindUseCase(container, MoveWishlistItemToCart, [
    WISHLIST_REPOSITORY,
    CART_REPOSITORY,
    PRODUCT_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
    APP_LOGGER,
  ]);
}
