import { createECDH, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  isP256PublicKey,
  isPushAuthSecret,
  isPushEndpoint,
  PUSH_ENDPOINT_MAX_LENGTH,
  isKnownPushService,
  PUSH_SERVICE_HOSTS,
  pushSubscriptionProblem,
} from '../../../domain/notifications/push-subscription.js';

function browserKey(): Buffer {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return ecdh.getPublicKey(); // uncompressed: 0x04 || x || y
}

const valid = () => ({
  endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def',
  keys: { p256dh: browserKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
});

describe('domain: a Web Push subscription', () => {
  it("accepts a browser's real P-256 keys, with or without base64 padding", () => {
    for (let i = 0; i < 20; i++) {
      const key = browserKey();
      expect(isP256PublicKey(key.toString('base64url'))).to.equal(true);
      expect(isP256PublicKey(key.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'))).to.equal(true);
    }
    expect(pushSubscriptionProblem(valid(), PUSH_SERVICE_HOSTS)).to.equal(undefined);
  });

  it('refuses a p256dh that is not an uncompressed point on the curve', () => {
    const key = browserKey();
    const offCurve = Buffer.from(key);
    offCurve[64] = offCurve[64]! ^ 1; // y no longer matches x
    const compressed = createECDH('prime256v1');
    compressed.generateKeys();
    const wrongPrefix = Buffer.from(key);
    wrongPrefix[0] = 0x05;
    const xTooLarge = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xff)]);
    for (const bad of [
      offCurve.toString('base64url'),
      compressed.getPublicKey(undefined, 'compressed').toString('base64url'),
      wrongPrefix.toString('base64url'),
      xTooLarge.toString('base64url'),
      key.subarray(0, 64).toString('base64url'),
      Buffer.concat([key, Buffer.from([0])]).toString('base64url'),
      `${key.toString('base64url').slice(0, 40)}!${key.toString('base64url').slice(41)}`,
      '',
    ]) {
      expect(isP256PublicKey(bad), bad).to.equal(false);
      expect(
        pushSubscriptionProblem({ ...valid(), keys: { ...valid().keys, p256dh: bad } }, PUSH_SERVICE_HOSTS),
      ).to.deep.include({
        field: 'keys.p256dh',
      });
    }
  });

  it('auth is exactly 16 bytes of base64url (decoded like Buffer does)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => {
        const encoded = Buffer.from(bytes).toString('base64url');
        expect(isPushAuthSecret(encoded)).to.equal(bytes.length === 16);
      }),
    );
    expect(isPushAuthSecret('AAAAAAAAAAAAAAAAAAAA+A')).to.equal(false);
    expect(
      pushSubscriptionProblem({ ...valid(), keys: { ...valid().keys, auth: 'AAAA' } }, PUSH_SERVICE_HOSTS),
    ).to.deep.include({
      field: 'keys.auth',
    });
  });

  it('the endpoint is an https URL with a host, no credentials, at most 2048 characters', () => {
    expect(isPushEndpoint('https://updates.push.services.mozilla.com/wpush/v2/gAAAA')).to.equal(true);
    const long = 'https://push.example/' + 'a'.repeat(PUSH_ENDPOINT_MAX_LENGTH);
    for (const bad of [
      'http://push.example/x',
      'https:///x',
      'https://user:pass@push.example/x',
      'https://push.example/a b',
      'javascript:alert(1)',
      'push.example/x',
      long,
    ]) {
      expect(isPushEndpoint(bad), bad).to.equal(false);
      expect(pushSubscriptionProblem({ ...valid(), endpoint: bad }, ['push.example'])).to.deep.include({
        field: 'endpoint',
      });
    }
    expect(isPushEndpoint(long.slice(0, PUSH_ENDPOINT_MAX_LENGTH))).to.equal(true);
  });

  it('accepts only endpoints of the known push services or their subdomains', () => {
    for (const ok of [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAA',
      'https://web.push.apple.com/QGmn',
      'https://wns2-par02p.notify.windows.com/w/?token=x',
      'https://FCM.googleapis.com:443/fcm/send/x',
    ]) {
      expect(isKnownPushService(ok, PUSH_SERVICE_HOSTS), ok).to.equal(true);
    }
    for (const bad of [
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://localhost/x',
      'https://fcm.googleapis.com.evil.com/x',
      'https://evilfcm.googleapis.com.example/x',
      'https://notfcm.googleapis.co/x',
      'http://fcm.googleapis.com/x',
    ]) {
      expect(isKnownPushService(bad, PUSH_SERVICE_HOSTS), bad).to.equal(false);
      expect(pushSubscriptionProblem({ ...valid(), endpoint: bad }, PUSH_SERVICE_HOSTS), bad).to.deep.include(
        {
          field: 'endpoint',
        },
      );
    }
  });
});
