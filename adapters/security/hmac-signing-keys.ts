import { createHmac } from 'node:crypto';
import type { SigningKeys } from '../../application/identity/ports.js';

/**
 * Request-signing keys derived from one server secret: HMAC-SHA256(serverKey, purpose + id) as
 * hex. Nothing is stored; every instance sharing the secret derives the same key.
 */
export class HmacSigningKeys implements SigningKeys {
  constructor(private readonly serverKey: string) {}

  forApiKey(apiKeyId: string): string {
    return this.derive('api-key', apiKeyId);
  }

  forSession(sessionId: string): string {
    return this.derive('session', sessionId);
  }

  private derive(purpose: string, id: string): string {
    return createHmac('sha256', this.serverKey).update(`${purpose}\u0000${id}`, 'utf8').digest('hex');
  }
}
