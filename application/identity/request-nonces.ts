import { token } from '../shared/token.js';

/**
 * The nonces of signed requests (adapters/http/signing): a nonce is accepted once. `claim` answers
 * true only the first time `key` is claimed before `until`; the store may forget the key after
 * `until` (a signature's timestamp is outside the accepted window by then, so it cannot be
 * replayed anyway). Atomic: of parallel claims of one key exactly one gets true.
 */
export interface NonceStore {
  claim(key: string, until: Date): Promise<boolean>;
}
export const NONCE_STORE = token<NonceStore>('NonceStore');
