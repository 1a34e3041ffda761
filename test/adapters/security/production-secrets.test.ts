import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../bootstrap/config.js';
import { PRODUCTION_SECRETS } from '../../support/harness.js';

/** `openssl rand -hex 32` once: the shape of a secret production should accept. */
const STRONG_JWT = PRODUCTION_SECRETS.JWT_SECRET;
const STRONG_ADMIN = PRODUCTION_SECRETS.ADMIN_PASSWORD;

/** Production with card payments off (no Stripe key needed) and only the given admin password. */
function production(env: Record<string, string>) {
  return loadConfig(
    {
      NODE_ENV: 'production',
      JWT_SECRET: STRONG_JWT,
      CARD_PAYMENTS_ENABLED: 'false',
      PII_MASTER_KEY: PRODUCTION_SECRETS.PII_MASTER_KEY,
      ...env,
    },
    () => 'generated',
  );
}

/** Refused with exactly one line naming the variable, never echoing the secret. */
function refusal(env: Record<string, string>, variable: string): string {
  let error: unknown;
  try {
    production(env);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${variable} to be refused`).to.be.instanceOf(ConfigError);
  const message = (error as Error).message;
  expect(message).to.not.include('\n');
  expect(message).to.include(variable);
  expect(message).to.match(/\(got "<hidden>"\)$/);
  return message;
}

describe('bootstrap/config: no weak secrets or demo data in production', () => {
  it('accepts a random JWT_SECRET and a strong ADMIN_PASSWORD', () => {
    const c = production({ ADMIN_PASSWORD: STRONG_ADMIN });
    expect(c.jwt.secret).to.equal(STRONG_JWT);
    expect(c.admin.password).to.equal(STRONG_ADMIN);
    expect(c.admin.revealGeneratedPassword).to.equal(false);
  });

  describe('JWT_SECRET', () => {
    it('refuses 40 times the same letter', () => {
      expect(refusal({ JWT_SECRET: 'a'.repeat(40) }, 'JWT_SECRET')).to.match(/repeated/);
    });

    it('refuses a repeated block', () => {
      expect(refusal({ JWT_SECRET: 'abc123'.repeat(7) }, 'JWT_SECRET')).to.match(/repeated/);
    });

    it('refuses a well-known sample value', () => {
      expect(refusal({ JWT_SECRET: 'your_jwt_secret_key_here_change_in_production' }, 'JWT_SECRET')).to.match(
        /well-known/,
      );
    });

    it("refuses this repository's own test secret", () => {
      expect(
        refusal({ JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789' }, 'JWT_SECRET'),
      ).to.match(/well-known/);
    });

    it('refuses a run of consecutive characters', () => {
      expect(refusal({ JWT_SECRET: 'abcdefghijklmnopqrstuvwxyz0123456789' }, 'JWT_SECRET')).to.match(
        /consecutive/,
      );
    });

    it('refuses a secret of few distinct characters', () => {
      expect(refusal({ JWT_SECRET: 'acegeacgaeegcagceaegcgacaeggaceacgeagc' }, 'JWT_SECRET')).to.match(
        /distinct/,
      );
    });

    it('refuses a low-entropy secret', () => {
      // 10 distinct characters, but nine in ten are the same one.
      const secret = 'x'.repeat(30) + 'abcdefghi' + 'x'.repeat(20);
      expect(refusal({ JWT_SECRET: secret }, 'JWT_SECRET')).to.match(/entropy/);
    });

    it('still allows any 32+ character secret outside production (development, test)', () => {
      const c = loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'a'.repeat(40) }, () => 'x');
      expect(c.jwt.secret).to.equal('a'.repeat(40));
    });
  });

  describe('ADMIN_PASSWORD', () => {
    for (const [password, reason] of [
      ['password', /common/],
      ['Password123!', /common/],
      ['P@ssw0rd2024', /common/],
      ['12345678', /common/],
      ['qwertyuiop', /common/],
      ['admin-admin-admin', /account name/],
      ['aaaaaaaaaaaaaa', /repeated/],
      ['abcdefghijklmn', /consecutive|common/],
      ['Adm1n!2026-Spring', /account name/],
      ['ab12ab12ab12ab12', /repeated/],
      ['zebra-quilt', /at least 12/],
    ] as const) {
      it(`refuses ${JSON.stringify(password)}`, () => {
        expect(refusal({ ADMIN_PASSWORD: password }, 'ADMIN_PASSWORD')).to.match(reason);
      });
    }

    it('refuses a password made of the admin email name', () => {
      expect(
        refusal(
          { ADMIN_PASSWORD: 'Florence.Nightingale-1', ADMIN_EMAIL: 'nightingale@example.com' },
          'ADMIN_PASSWORD',
        ),
      ).to.match(/account name/);
    });

    it('still allows a short development password outside production', () => {
      const c = loadConfig({ NODE_ENV: 'development', ADMIN_PASSWORD: 'password' }, () => 'x');
      expect(c.admin.password).to.equal('password');
      expect(c.admin.revealGeneratedPassword).to.equal(true);
    });
  });

  describe('SEED_DEMO', () => {
    it('is off in production unless set explicitly', () => {
      expect(production({}).seedDemo).to.equal(false);
      expect(production({ SEED_DEMO: '' }).seedDemo).to.equal(false);
      expect(production({ SEED_DEMO: 'true' }).seedDemo).to.equal(true);
    });

    it('stays on by default outside production (the embedded demo shop)', () => {
      expect(loadConfig({}, () => 'x').seedDemo).to.equal(true);
      expect(loadConfig({ NODE_ENV: 'development', SEED_DEMO: 'false' }, () => 'x').seedDemo).to.equal(false);
    });
  });

  describe('LOGOUT_GRACE_MS', () => {
    it('defaults to 5 s and accepts 0..60000', () => {
      expect(loadConfig({}, () => 'x').logoutGraceMs).to.equal(5000);
      expect(loadConfig({ LOGOUT_GRACE_MS: '0' }, () => 'x').logoutGraceMs).to.equal(0);
      expect(() => loadConfig({ LOGOUT_GRACE_MS: '600000' }, () => 'x')).to.throw(
        ConfigError,
        /LOGOUT_GRACE_MS/,
      );
    });
  });
});
