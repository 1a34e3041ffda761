import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import {
  CompleteMfaChallenge,
  MfaChallenges,
  SecondFactorCheck,
  SetupMfa,
  VerifyMfa,
} from '../../../application/identity/mfa.js';
import { LoginUser, TokenOnlySessions } from '../../../application/identity/sessions.js';
import { JwtTokenService } from '../../../adapters/security/jwt-token-service.js';
import { OtpauthTotp } from '../../../adapters/security/otpauth-totp.js';
import { MemoryLoginThrottle } from '../../../adapters/persistence/memory/identity-login-throttle.js';
import { MemoryMfaChallengeStore } from '../../../adapters/persistence/memory/identity-mfa-challenges.js';
import { FixedRandom, identityKit } from './support.js';

const code = (secret: string, at: Date, steps = 0) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() + steps * 30_000 });

async function mfaKit() {
  const kit = identityKit();
  const totp = new OtpauthTotp('Amour Florals');
  const throttle = new MemoryLoginThrottle(kit.db, { maxFailures: 3, windowMs: 60_000 });
  const check = new SecondFactorCheck(totp, kit.digest, throttle, throttle, kit.clock);
  const store = new MemoryMfaChallengeStore(kit.db);
  const random = new FixedRandom();
  const sessions = new TokenOnlySessions(new JwtTokenService('x'.repeat(40), 3600));
  const gate = new MfaChallenges(store, kit.digest, random, { challengeTtlMs: 300_000 });
  const login = new LoginUser(
    kit.users,
    kit.hasher,
    sessions,
    throttle,
    kit.clock,
    undefined,
    {},
    undefined,
    gate,
  );
  const user = (
    await kit.register.execute({ fullName: 'Rose', email: 'rose@example.com', password: 'secret1' })
  ).unwrap().user;
  const setup = (
    await new SetupMfa(kit.users, totp, kit.clock, { issuer: 'Amour Florals' }).execute({ userId: user.id })
  ).unwrap();
  const verify = new VerifyMfa(kit.users, check, kit.digest, random, kit.clock);
  const complete = new CompleteMfaChallenge(kit.users, store, check, kit.digest, sessions, kit.clock);
  const challenge = async () => {
    const r = (await login.signIn({ email: 'rose@example.com', password: 'secret1', ip: 'a' })).unwrap();
    if (!('mfaRequired' in r)) throw new Error('expected a challenge');
    return r.challengeToken;
  };
  return { kit, user, setup, verify, complete, challenge, login };
}

describe('application/identity: MFA (fake clock, codes from otpauth)', () => {
  it('verify accepts the current step and its neighbours only; the step is then spent', async () => {
    const { kit, user, setup, verify, complete, challenge } = await mfaKit();
    const now = kit.clock.now();
    const far = await verify.execute({ userId: user.id, code: code(setup.secret, now, 2), ip: 'a' });
    expect(far.unwrapErr().code).to.equal('MFA_CODE_INVALID');
    const r = await verify.execute({ userId: user.id, code: code(setup.secret, now, 1), ip: 'a' });
    expect(r.unwrap().recoveryCodes).to.have.length(10);
    // The code of step +1 was used: neither it nor an older step is accepted again.
    for (const steps of [-1, 0, 1]) {
      const res = await complete.execute(
        { challengeToken: await challenge(), code: code(setup.secret, now, steps) },
        { ip: 'a' },
      );
      expect(res.unwrapErr().code).to.equal('MFA_CODE_INVALID');
    }
    kit.clock.advance(60_000);
    const ok = await complete.execute(
      { challengeToken: await challenge(), code: code(setup.secret, kit.clock.now()) },
      { ip: 'b' },
    );
    expect(ok.unwrap().user.id).to.equal(user.id);
  });

  it('LoginUser.execute (no challenge possible) refuses an MFA account instead of a session', async () => {
    const { kit, user, setup, verify } = await mfaKit();
    await verify.execute({ userId: user.id, code: code(setup.secret, kit.clock.now()), ip: 'a' });
    const r = await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: 'z' });
    expect(r.unwrapErr().code).to.equal('MFA_REQUIRED');
  });

  it('throttles wrong codes per user: after the budget even the right code answers TOO_MANY_ATTEMPTS', async () => {
    const { kit, user, setup, verify } = await mfaKit();
    for (let i = 0; i < 3; i += 1) {
      expect((await verify.execute({ userId: user.id, code: '000000', ip: 'a' })).unwrapErr().code).to.equal(
        'MFA_CODE_INVALID',
      );
    }
    const right = await verify.execute({
      userId: user.id,
      code: code(setup.secret, kit.clock.now()),
      ip: 'a',
    });
    expect(right.unwrapErr().code).to.equal('TOO_MANY_ATTEMPTS');
    kit.clock.advance(60_000);
    const later = await verify.execute({
      userId: user.id,
      code: code(setup.secret, kit.clock.now()),
      ip: 'a',
    });
    expect(later.isOk()).to.equal(true);
  });
});
