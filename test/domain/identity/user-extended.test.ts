import { expect } from 'chai';
import {
  activityIsStale,
  changeDetails,
  changePreferences,
  createUser,
  DEVICES_MAX,
  platformOf,
  recordLogin,
  recordSearch,
  SEARCH_HISTORY_MAX,
  type User,
} from '../../../domain/identity/user.js';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const user = (): User =>
  createUser({ id: 'u1', fullName: 'Asha', email: 'a@x.io', passwordHash: 'h', now: NOW });
const fieldsOf = (r: ReturnType<typeof changePreferences>) =>
  r.isErr() && r.error.code === 'VALIDATION_FAILED'
    ? (r.error.details?.errors as readonly { field: string }[]).map((e) => e.field)
    : [];

describe('domain/identity the extended user', () => {
  it('a new user has the default preferences, no points, bronze, empty history and devices', () => {
    expect(user()).to.deep.include({
      preferences: {
        emailNotifications: true,
        smsNotifications: false,
        newsletter: true,
        favoriteOccasions: [],
        priceRange: null,
      },
      loyaltyPoints: 0,
      lifetimePoints: 0,
      membershipTier: 'bronze',
      searchHistory: [],
      deviceInfo: [],
    });
  });

  it('changePreferences applies only the fields present, dedupes occasions, clears the range with null', () => {
    const changed = changePreferences(
      user(),
      {
        smsNotifications: true,
        favoriteOccasions: ['wedding', 'wedding', 'birthday'],
        priceRange: { min: 0, max: 500 },
      },
      NOW,
    ).unwrap();
    expect(changed.preferences).to.deep.equal({
      emailNotifications: true,
      smsNotifications: true,
      newsletter: true,
      favoriteOccasions: ['wedding', 'birthday'],
      priceRange: { min: 0, max: 500 },
    });
    const cleared = changePreferences(changed, { priceRange: null }, NOW).unwrap();
    expect(cleared.preferences.priceRange).to.equal(null);
    expect(cleared.preferences.favoriteOccasions).to.deep.equal(['wedding', 'birthday']);
  });

  it('refuses an unknown occasion, a range with min above max or out of bounds, naming each field', () => {
    expect(fieldsOf(changePreferences(user(), { favoriteOccasions: ['graduation'] }, NOW))).to.deep.equal([
      'favoriteOccasions',
    ]);
    expect(fieldsOf(changePreferences(user(), { priceRange: { min: 900, max: 100 } }, NOW))).to.deep.equal([
      'priceRange',
    ]);
    expect(fieldsOf(changePreferences(user(), { priceRange: { min: -1, max: 2e9 } }, NOW))).to.deep.equal([
      'priceRange.min',
      'priceRange.max',
    ]);
  });

  it('changeDetails may carry preferences too, validated the same way', () => {
    const ok = changeDetails(user(), { fullName: 'Asha R', preferences: { newsletter: false } }, NOW);
    expect(ok.isOk() && ok.value.preferences.newsletter).to.equal(false);
    const bad = changeDetails(user(), { fullName: 'Asha R', preferences: { favoriteOccasions: ['x'] } }, NOW);
    expect(bad.isErr() && bad.error.code).to.equal('VALIDATION_FAILED');
  });

  it('recordSearch keeps the newest SEARCH_HISTORY_MAX trimmed queries and ignores empty ones', () => {
    let u = user();
    for (let i = 0; i < SEARCH_HISTORY_MAX + 5; i += 1)
      u = recordSearch(u, ` q${i} `, new Date(NOW.getTime() + i));
    expect(u.searchHistory).to.have.length(SEARCH_HISTORY_MAX);
    expect(u.searchHistory[0]!.query).to.equal('q5');
    expect(u.searchHistory.at(-1)!.query).to.equal(`q${SEARCH_HISTORY_MAX + 4}`);
    expect(recordSearch(u, '   ', NOW)).to.equal(u);
  });

  it('platformOf reads the user agent simply', () => {
    expect(platformOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)')).to.equal('ios');
    expect(platformOf('Mozilla/5.0 (Linux; Android 14; Pixel 8)')).to.equal('android');
    expect(platformOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64)')).to.equal('windows');
    expect(platformOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)')).to.equal('macos');
    expect(platformOf('Mozilla/5.0 (X11; Linux x86_64)')).to.equal('linux');
    expect(platformOf('curl/8.0')).to.equal('other');
  });

  it('recordLogin puts the device first, refreshes a known one, and keeps at most DEVICES_MAX', () => {
    let u = user();
    for (let i = 0; i < DEVICES_MAX + 3; i += 1) {
      u = recordLogin(u, new Date(NOW.getTime() + i), { deviceId: `d${i}`, platform: 'linux' });
    }
    expect(u.deviceInfo).to.have.length(DEVICES_MAX);
    expect(u.deviceInfo[0]!.deviceId).to.equal(`d${DEVICES_MAX + 2}`);
    const later = new Date(NOW.getTime() + 1000);
    u = recordLogin(u, later, { deviceId: 'd5', platform: 'linux' });
    expect(u.deviceInfo[0]).to.deep.equal({ deviceId: 'd5', lastUsed: later, platform: 'linux' });
    expect(u.deviceInfo.filter((d) => d.deviceId === 'd5')).to.have.length(1);
    expect(u.lastLogin).to.equal(later);
  });

  it('activity is stale when never seen or last seen 5 minutes ago or more', () => {
    expect(activityIsStale(user(), NOW)).to.equal(true);
    const seen = { ...user(), lastActiveAt: NOW };
    expect(activityIsStale(seen, new Date(NOW.getTime() + 299_999))).to.equal(false);
    expect(activityIsStale(seen, new Date(NOW.getTime() + 300_000))).to.equal(true);
  });
});
