import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { SECRET_DIGEST, USER_REPOSITORY } from '../../application/identity/ports.js';
import { APP_LOGGER, CLOCK, EVENT_BUS, ID_GENERATOR, RANDOM_SOURCE } from '../../application/shared/ports.js';
import {
  BULK_OPERATION_STORE,
  WISHLIST_REPOSITORY,
  WISHLIST_SETTINGS,
  WISHLIST_SHARE_STORE,
} from '../../application/wishlist/ports.js';
import {
  BulkAddToWishlist,
  BulkMoveToCart,
  GetBulkOperation,
  RunBulkOperation,
} from '../../application/wishlist/bulk.js';
import {
  CreateWishlistShare,
  ListWishlistShares,
  RevokeWishlistShare,
  ViewSharedWishlist,
} from '../../application/wishlist/sharing.js';
import {
  AddToWishlist,
  ClearWishlist,
  GetWishlist,
  MoveWishlistItemToCart,
  RemoveFromWishlist,
} from '../../application/wishlist/use-cases.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';

export function bindWishlist(container: Container, config: Config): void {
  container.bind(WISHLIST_SETTINGS).toConstantValue({ publicUrl: config.publicUrl });
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
    EVENT_BUS,
    APP_LOGGER,
  ]);
  // Bulk operations (issue 10).
  bindUseCase(container, BulkAddToWishlist, [WISHLIST_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, BulkMoveToCart, [
    WISHLIST_REPOSITORY,
    CART_REPOSITORY,
    PRODUCT_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
    EVENT_BUS,
  ]);
  bindUseCase(container, RunBulkOperation, [
    WISHLIST_REPOSITORY,
    CART_REPOSITORY,
    PRODUCT_REPOSITORY,
    BULK_OPERATION_STORE,
    CLOCK,
    ID_GENERATOR,
    EVENT_BUS,
  ]);
  bindUseCase(container, GetBulkOperation, [BULK_OPERATION_STORE, CLOCK]);
  // Share links (issue 10).
  bindUseCase(container, CreateWishlistShare, [
    WISHLIST_SHARE_STORE,
    SECRET_DIGEST,
    RANDOM_SOURCE,
    ID_GENERATOR,
    CLOCK,
    WISHLIST_SETTINGS,
  ]);
  bindUseCase(container, ListWishlistShares, [WISHLIST_SHARE_STORE, CLOCK]);
  bindUseCase(container, RevokeWishlistShare, [WISHLIST_SHARE_STORE, SECRET_DIGEST, CLOCK]);
  bindUseCase(container, ViewSharedWishlist, [
    WISHLIST_SHARE_STORE,
    WISHLIST_REPOSITORY,
    PRODUCT_REPOSITORY,
    USER_REPOSITORY,
    SECRET_DIGEST,
    CLOCK,
  ]);
}
