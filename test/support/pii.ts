import type { Connection } from 'mongoose';
import type { PiiCipher } from '../../application/shared/pii.js';
import { SystemClock } from '../../adapters/system/system.js';
import {
  EnvelopePiiCipher,
  LocalMasterKeyProvider,
  parseMasterKey,
} from '../../adapters/security/pii-cipher.js';
import { MongoPiiDataKeyStore } from '../../adapters/persistence/mongo/pii-data-keys.js';

/** The master key every test app and Mongo suite uses (base64 of 32 bytes; a test value only). */
export const TEST_PII_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_PII_MASTER_KEY_ID = 'test-1';

/** What every process a test starts gets: on MongoDB the server refuses to start without a PII master key. */
export const TEST_PROCESS_ENV: Readonly<Record<string, string>> = {
  PII_MASTER_KEY: TEST_PII_MASTER_KEY,
  PII_MASTER_KEY_ID: TEST_PII_MASTER_KEY_ID,
};

/** The cipher a Mongo adapter built by hand in a test gets: the test master key, keys in `pii_keys`. */
export function testPiiCipher(connection: Connection, masterKey = TEST_PII_MASTER_KEY): PiiCipher {
  return new EnvelopePiiCipher(
    new LocalMasterKeyProvider(parseMasterKey(masterKey), TEST_PII_MASTER_KEY_ID),
    new MongoPiiDataKeyStore(connection),
    new SystemClock(),
  );
}
