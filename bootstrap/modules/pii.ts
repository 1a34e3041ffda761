import type { Container } from 'inversify';
import {
  PII_CIPHER,
  PII_DATA_KEY_STORE,
  PII_KEY_PROVIDER,
  type PiiCipher,
} from '../../application/shared/pii.js';
import { CLOCK, STARTUP_TASK, type StartupTask } from '../../application/shared/ports.js';
import {
  EnvelopePiiCipher,
  LocalMasterKeyProvider,
  parseMasterKey,
} from '../../adapters/security/pii-cipher.js';
import type { Config } from '../config.js';
import { bindClass } from './bind.js';

/**
 * Personal data at rest: the master key from config behind the key-provider port (a KMS-backed
 * provider would be bound here instead), and the envelope cipher the Mongo mappers use. The data
 * key store is a PERSISTENCE row (`pii_keys`).
 */
export function bindPii(container: Container, config: Pick<Config, 'pii' | 'mongo'>): void {
  container
    .bind(PII_KEY_PROVIDER)
    .toConstantValue(
      new LocalMasterKeyProvider(parseMasterKey(config.pii.masterKey), config.pii.masterKeyId),
    );
  bindClass(container, PII_CIPHER, EnvelopePiiCipher, [PII_KEY_PROVIDER, PII_DATA_KEY_STORE, CLOCK]);
  if (config.mongo) {
    // Loads (or makes) the data keys before the first request: a master key that cannot unwrap
    // them stops the start with the reason, instead of failing every request that reads a user.
    container
      .bind<StartupTask>(STARTUP_TASK)
      .toResolvedValue(
        (cipher: PiiCipher): StartupTask => ({ name: 'pii: data keys loaded', run: () => cipher.ready() }),
        [PII_CIPHER],
      )
      .inSingletonScope();
  }
}
