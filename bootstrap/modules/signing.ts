import type { Container } from 'inversify';
import { NONCE_STORE } from '../../application/identity/request-nonces.js';
import { APP_LOGGER, CLOCK } from '../../application/shared/ports.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-tokens.js';
import { RedisNonceStore } from '../../adapters/cache/redis-nonce-store.js';
import { MemoryNonceStore } from '../../adapters/cache/memory-nonce-store.js';
import type { Config } from '../config.js';
import { bindClass } from './bind.js';

/**
 * Request signing (adapters/http/signing): the nonces already accepted. On Redis when REDIS_URL
 * is set (shared by every instance), else in the process (one instance; not on MongoDB: a nonce
 * lives five minutes and every instance of a fleet shares Redis).
 */
export function bindRequestSigning(container: Container, config: Config): void {
  if (config.redis) {
    bindClass(container, NONCE_STORE, RedisNonceStore, [REDIS_CLIENT, REDIS_KEY_PREFIX, CLOCK, APP_LOGGER]);
  } else {
    bindClass(container, NONCE_STORE, MemoryNonceStore, [CLOCK]);
  }
}
