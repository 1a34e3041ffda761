import { expect } from 'chai';
import {
  AUDIT_SNAPSHOT_LIMITS,
  REDACTED,
  isRedactedKey,
  redactForAudit,
} from '../../../application/identity/audit-redaction.js';
import { boundAuditEntry } from '../../../application/identity/audit-trail.js';
import { FIXED_NOW } from '../../support/kit.js';

describe('application: the audit log redaction (one function for before and after)', () => {
  it('replaces every secret and personal field, at any depth, and keeps what says what changed', () => {
    const user = {
      _id: 'u1',
      fullName: 'Asha Rao',
      role: 'user',
      email: 'asha@example.com',
      password: 'hunter22',
      passwordHash: '$2b$10$abc',
      phone: '+91 98765 43210',
      birthday: '1990-01-01',
      dateOfBirth: '1990-01-01',
      addresses: [{ street: '1 MG Road', city: 'Pune' }],
      mfa: { secret: 'JBSWY3DP', recoveryCodeHashes: ['h1'], enabled: true },
      apiKey: 'ak_live_123',
      refresh_token: 'rt',
      order: { giftRecipient: { name: 'Ravi' }, shippingAddress: { pincode: '411001' }, total: 1299 },
      'x-signature': 'sig',
    };
    const out = redactForAudit(user) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const k of [
      'email',
      'password',
      'passwordHash',
      'phone',
      'birthday',
      'dateOfBirth',
      'addresses',
      'apiKey',
      'refresh_token',
      'x-signature',
    ])
      expect(out[k], k).to.equal(REDACTED);
    expect(out.mfa).to.deep.equal({ secret: REDACTED, recoveryCodeHashes: REDACTED, enabled: true });
    expect(out.order).to.deep.equal({ giftRecipient: REDACTED, shippingAddress: REDACTED, total: 1299 });
    expect(out).to.deep.include({ _id: 'u1', fullName: 'Asha Rao', role: 'user' });
    expect(JSON.stringify(out)).to.not.match(/hunter22|asha@|98765|MG Road|JBSWY3DP|ak_live|411001/);
  });

  it('names the keys it redacts, case and separators ignored; product fields are kept', () => {
    for (const k of [
      'Password',
      'new_password',
      'token',
      'accessToken',
      'secret',
      'key',
      'API-KEY',
      'otp',
      'totpCode',
      'cvv',
      'cardNumber',
      'mobile',
      'zipCode',
      // what the orders store encrypted (pii-fields.ts): the gift, notes, the courier
      'gift',
      'notes',
      'note',
      'personalNote',
      'courier',
    ])
      expect(isRedactedKey(k), k).to.equal(true);
    for (const k of ['name', 'price', 'stock', 'status', 'code', 'category', 'images', 'description'])
      expect(isRedactedKey(k), k).to.equal(false);
  });

  it('keeps snapshots bounded: long texts and arrays cut, a huge one summarized', () => {
    const out = redactForAudit({
      description: 'x'.repeat(5000),
      tags: Array.from({ length: 50 }, (_, i) => `t${i}`),
    }) as {
      description: string;
      tags: string[];
    };
    expect(out.description.length).to.equal(AUDIT_SNAPSHOT_LIMITS.text);
    expect(out.tags).to.have.length(AUDIT_SNAPSHOT_LIMITS.items + 1);
    expect(out.tags.at(-1)).to.equal('… 30 more');
    const huge = redactForAudit({
      items: Array.from({ length: 20 }, () => ({ d: 'y'.repeat(250), e: 'z'.repeat(250) })),
    });
    expect(huge).to.deep.include({ truncated: true });
    expect(JSON.stringify(huge).length).to.be.below(100);
    expect(redactForAudit(undefined)).to.equal(undefined);
  });

  it('every entry written through the AuditTrail has its before and after redacted', () => {
    const bounded = boundAuditEntry({
      id: 'e1',
      userId: 'a1',
      action: 'update',
      resource: 'user',
      success: true,
      ip: '1.2.3.4',
      userAgent: 'ua',
      details: { endpoint: '/api/users/u1', method: 'PUT' },
      errorMessage: null,
      timestamp: FIXED_NOW,
      before: { user: { email: 'old@example.com', fullName: 'A' } },
      after: { user: { email: 'new@example.com', fullName: 'B' } },
    });
    expect(bounded.before).to.deep.equal({ user: { email: REDACTED, fullName: 'A' } });
    expect(bounded.after).to.deep.equal({ user: { email: REDACTED, fullName: 'B' } });
  });
});
