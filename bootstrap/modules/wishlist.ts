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
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryWishlistRepository } from '../../adapters/persistence/memory/wishlist-repository.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/connection.js';
import { MongoWishlistRepository } from '../../adapters/persistence/mongo/wishlist-repository.js';
import { bindMongoRepositoriesAtStart } from './mongo-repositories.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';

export function bindWishlist(container: Container, config: Config): void {
  if (config.mongo) {
    bindClass(container, WISHLIST_REPOSITORY, MongoWishlistRepository, [MONGO_CONNECTION, CLOCK]);
    bindMongoRepositoriesAtStart(container, 'wishlist', [WISHLIST_REPOSITORY]);
  } else {
    bindClass(container, WISHLIST_REPOSITORY, MemoryWishlistRepository, [MemoryDatabase, CLOCK]);
  }
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
