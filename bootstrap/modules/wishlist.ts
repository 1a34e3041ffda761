import type { Container } from 'inversify';
import type { Config } from '../config.js';

export function bindWishlist(_container: Container, _config: Config): void {
  // TODO: ports and use cases of the wishlist context
}
