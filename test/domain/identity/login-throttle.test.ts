import { expect } from 'chai';
import fc from 'fast-check';
import {
  decideAttempt,
  isWindowOver,
  lockDuration,
  tooManyAttempts,
  type ThrottleWindow,
} from '../../../domain/identity/login-throttle.js';

const policy = { maxFailures: 3, windowMs: 60_000 };
const t0 = Date.parse('2026-06-01T10:00:00Z');
const at = (ms: number) => new Date(t0 + ms);

describe('domain/identity: login throttle', () => {
  it('allows maxFailures attempts in a window; the last one locks the key for the window', () => {
    let w: ThrottleWindow | undefined;
    for (let i = 1; i <= 3; i += 1) {
      const d = decideAttempt(w, at(i * 1000), policy);
      expect(d.allowed).to.equal(true);
      if (d.allowed) w = d.window;
    }
    expect(w).to.deep.equal({ startedAt: t0 + 1000, failures: 3, locks: 1, lockedUntil: t0 + 63_000 });
    const blocked = decideAttempt(w, at(30_000), policy);
    expect(blocked).to.deep.equal({ allowed: false, retryAt: at(63_000) });
    expect(decideAttempt(w, at(62_999), policy).allowed).to.equal(false);
    const fresh = decideAttempt(w, at(63_000), policy);
    expect(fresh).to.deep.equal({
      allowed: true,
      window: { startedAt: t0 + 63_000, failures: 1, locks: 1, lockedUntil: t0 + 63_000 },
    });
  });

  describe('exponential backoff (fake clock)', () => {
    const exp = { maxFailures: 2, windowMs: 60_000, lockMs: 60_000, maxLockMs: 8 * 60_000 };
    const minutes = (n: number) => n * 60_000;
    /** Two failures at `ms`: answers the lock they set, and the window. */
    const failTwice = (w: ThrottleWindow | undefined, ms: number) => {
      let window = w;
      for (const offset of [0, 1]) {
        const d = decideAttempt(window, at(ms + offset), exp);
        expect(d.allowed, `attempt at ${ms + offset}`).to.equal(true);
        if (d.allowed) window = d.window;
      }
      const blocked = decideAttempt(window, at(ms + 2), exp);
      expect(blocked.allowed).to.equal(false);
      return { window: window!, lock: blocked.allowed ? 0 : blocked.retryAt.getTime() - (t0 + ms + 1) };
    };

    it('locks 1, 2, 4, 8 minutes, then stays at the cap', () => {
      let w: ThrottleWindow | undefined;
      let now = 0;
      const locks: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const r = failTwice(w, now);
        w = r.window;
        locks.push(r.lock / 60_000);
        now = w.lockedUntil! - t0;
      }
      expect(locks).to.deep.equal([1, 2, 4, 8, 8, 8]);
      expect(lockDuration(50, exp)).to.equal(minutes(8));
    });

    it('a success (the key reset) starts over at the first lock', () => {
      const first = failTwice(undefined, 0);
      const second = failTwice(first.window, minutes(1) + 1);
      expect(second.lock).to.equal(minutes(2));
      expect(failTwice(undefined, minutes(10)).lock).to.equal(minutes(1));
    });

    it('a key quiet for maxLockMs after its last lock is forgotten; sooner it keeps doubling', () => {
      const first = failTwice(undefined, 0);
      const end = first.window.lockedUntil! - t0;
      expect(failTwice(first.window, end + minutes(8) - 10).lock).to.equal(minutes(2));
      expect(failTwice(first.window, end + minutes(8)).lock).to.equal(minutes(1));
      expect(isWindowOver(first.window, at(end + minutes(8) - 1), exp)).to.equal(false);
      expect(isWindowOver(first.window, at(end + minutes(8)), exp)).to.equal(true);
    });
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
