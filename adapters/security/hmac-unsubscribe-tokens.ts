import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUnsubscribeTopic } from '../../domain/notifications/consent.js';
import type { UnsubscribeClaim, UnsubscribeTokens } from '../../application/notifications/ports.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `<userId>.<topic>.<signature>`: the signature is the base64url HMAC-SHA256 of `userId.topic`
 * under the secret (UNSUBSCRIBE_SECRET, or one derived from JWT_SECRET). No expiry: a link in an
 * old mail keeps working (it can only turn a preference off).
 */
export class HmacUnsubscribeTokens implements UnsubscribeTokens {
  constructor(private readonly secret: string) {}

  private signature(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(`unsubscribe:${payload}`, 'utf8').digest();
  }

  sign(claim: UnsubscribeClaim): string {
    const payload = `${claim.userId}.${claim.topic}`;
    return `${payload}.${this.signature(payload).toString('base64url')}`;
  }

  verify(token: string): UnsubscribeClaim | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [userId, topic, signature] = parts as [string, string, string];
    if (!ID.test(userId) || !isUnsubscribeTopic(topic) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null;
    const expected = this.signature(`${userId}.${topic}`);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { userId, topic };
  }
}
