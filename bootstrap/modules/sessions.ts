import type { Container } from 'inversify';
import { LOGIN_THROTTLE, TOKEN_REVOCATION_STORE } from '../../application/identity/ports.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryTokenRevocationStore } from '../../adapters/persistence/memory/identity-tokens.js';
import { MemoryLoginThrottle } from '../../adapters/persistence/memory/identity-login-throttle.js';
import type { Config } from '../config.js';
import { bindClass } from './bind.js';

/**
 * Session state shared by every instance: revoked tokens and failed-login counters. In-process
 * on the embedded default; Redis (REDIS_URL) makes them shared across instances.
 */
export function bindSessions(container: Container, config: Config): void {
  bindClass(container, TOKEN_REVOCATION_STORE, MemoryTokenRevocationStore, [MemoryDatabase]);
  container
    .bind(LOGIN_THROTTLE)
    .toResolvedValue(
      (db: MemoryDatabase) => new MemoryLoginThrottle(db, config.loginThrottle),
      [MemoryDatabase],
    )
    .inSingletonScope();
}
