import { expect } from 'chai';
import fc from 'fast-check';
import {
  decideAttempt,
  tooManyAttempts,
  type ThrottleWindow,
} from '../../../domain/identity/login-throttle.js';

const policy = { maxFailures: 3, windowMs: 60_000 };
const t0 = Date.parse('2026-06-01T10:00:00Z');
const at = (ms: number) => new Date(t0 + ms);

describe('domain/identity: login throttle', () => {
  it('allows maxFailures attempts in a window, then blocks until the window ends', () => {
    let w: ThrottleWindow | undefined;
    for (let i = 1; i <= 3; i += 1) {
      const d = decideAttempt(w, at(i * 1000), policy);
      expect(d.allowed).to.equal(true);
      if (d.allowed) w = d.window;
    }
    expect(w).to.deep.equal({ startedAt: t0 + 1000, failures: 3 });
    const blocked = decideAttempt(w, at(30_000), policy);
    expect(blocked).to.deep.equal({ allowed: false, retryAt: at(61_000) });
    expect(decideAttempt(w, at(60_999), policy).allowed).to.equal(false);
    const fresh = decideAttempt(w, at(61_000), policy);
    expect(fresh).to.deep.equal({ allowed: true, window: { startedAt: t0 + 61_000, failures: 1 } });
  });

  it('never allows more than maxFailures attempts inside one window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        (gaps, max) => {
          const p = { maxFailures: max, windowMs: 2000 };
          let w: ThrottleWindow | undefined;
          let now = t0;
          for (const gap of gaps) {
            now += gap;
            const d = decideAttempt(w, new Date(now), p);
            if (d.allowed) w = d.window;
            if (w && w.failures > max) return false;
          }
          return true;
        },
      ),
    );
  });

  it('says when to retry, in seconds or minutes, and carries the rate-limit `error` field', () => {
    const e = tooManyAttempts(at(90_000), at(0));
    expect(e.code).to.equal('TOO_MANY_ATTEMPTS');
    expect(e.message).to.equal('Too many failed login attempts. Please try again in 90 seconds');
    expect(e.details).to.deep.include({ error: e.message, retryAfter: 90 });
    expect(tooManyAttempts(at(15 * 60_000), at(0)).message).to.equal(
      'Too many failed login attempts. Please try again in 15 minutes',
    );
  });
});
