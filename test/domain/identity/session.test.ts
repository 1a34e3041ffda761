import { expect } from 'chai';
import { deviceNameOf, recordDevice, sessionOfRefreshToken } from '../../../domain/identity/session.js';
import { aUser, FIXED_NOW } from '../../support/kit.js';

describe('domain/identity/session', () => {
  it('names the common clients (Edge and Chrome before Safari, which they also announce)', () => {
    const cases: [string, string][] = [
      ['Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0', 'Edge'],
      ['Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36', 'Chrome'],
      ['Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15', 'Safari'],
      ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox'],
      ['curl/8.5.0', 'curl'],
      ['something else', 'Unknown device'],
    ];
    for (const [ua, name] of cases) expect(deviceNameOf(ua), ua).to.equal(name);
  });

  it('a refresh token names its session; anything else is no refresh token', () => {
    const token = `${'a'.repeat(24)}.${'0f'.repeat(32)}`;
    expect(sessionOfRefreshToken(token)).to.equal('a'.repeat(24));
    for (const bad of ['', 'abc', `${'a'.repeat(24)}.${'0'.repeat(63)}`, `a-b.${'0'.repeat(64)}`]) {
      expect(sessionOfRefreshToken(bad), bad).to.equal(null);
    }
  });

  it('recordDevice puts the device first once, and changes nothing when it already leads at that time', () => {
    const user = aUser({ deviceInfo: [{ deviceId: 'old', platform: 'ios', lastUsed: new Date(0) }] });
    const next = recordDevice(user, FIXED_NOW, { deviceId: 'new', platform: 'linux' });
    expect(next.deviceInfo.map((d) => d.deviceId)).to.deep.equal(['new', 'old']);
    expect(recordDevice(next, FIXED_NOW, { deviceId: 'new', platform: 'linux' })).to.equal(next);
  });
});
