import { expect } from 'chai';
import sinon from 'sinon';
import { PasswordHasherBusy } from '../../../application/identity/ports.js';
import { identityKit, registered, type IdentityKit } from './support.js';

describe('application/identity: sessions and the authenticator', () => {
  let kit: IdentityKit;
  beforeEach(() => {
    kit = identityKit();
  });

  describe('RegisterUser', () => {
    it('stores the user with a lowercased email and a bcrypt hash, mails a welcome, answers a token', async () => {
      const s = await registered(kit, 'Rose@Example.COM');
      expect(s.user.email).to.equal('rose@example.com');
      expect(s.user.passwordHash).to.match(/^\$2[aby]\$04\$/);
      expect(await kit.hasher.compare('secret1', s.user.passwordHash)).to.equal(true);
      expect(kit.mailer.sent.map((m) => [m.to, m.subject])).to.deep.equal([
        ['rose@example.com', 'Welcome to Amour Florals'],
      ]);
      const claims = kit.tokens.verify(s.token, Math.floor(kit.clock.now().getTime() / 1000));
      expect(claims).to.deep.equal({
        userId: s.user.id,
        issuedAt: Math.floor(kit.clock.now().getTime() / 1000),
        expiresAt: Math.floor(kit.clock.now().getTime() / 1000) + 3600,
      });
    });

    it('refuses a duplicate email in any case', async () => {
      await registered(kit, 'rose@example.com');
      const r = await kit.register.execute({
        fullName: 'Other',
        email: ' ROSE@example.com',
        password: 'secret2',
      });
      expect(r.unwrapErr()).to.deep.equal({
        code: 'EMAIL_TAKEN',
        message: 'User already exists with this email',
      });
    });

    it('still registers when the welcome mail fails: the welcome notification is failed with the reason', async () => {
      kit.mailer.failWith = new Error('smtp down');
      const s = await registered(kit);
      expect(s.user.id).to.be.a('string');
      const [welcome] = (await kit.notifications.query({ page: 1, limit: 10 })).items;
      expect(welcome).to.deep.include({ template: 'welcome', status: 'failed', lastError: 'smtp down' });
    });

    it('one welcome per registration, even when its event is delivered again and by another instance', async () => {
      await registered(kit);
      const [event] = kit.bus.ofType('identity.user-registered');
      const other = kit.otherInstance();
      await Promise.all([kit.bus.publish([event!]), other.publish([event!])]);
      await Promise.all([kit.bus.drain(), other.drain()]);
      await kit.settled();
      expect(kit.mailer.sent.map((m) => m.subject)).to.deep.equal(['Welcome to Amour Florals']);
      expect((await kit.notifications.query({ page: 1, limit: 10 })).total).to.equal(1);
    });

    it('a refused registration (email taken) publishes nothing and leaves nothing staged', async () => {
      await registered(kit);
      kit.bus.published.length = 0;
      expect(
        (
          await kit.register.execute({ fullName: 'X', email: 'rose@example.com', password: 'secret2' })
        ).isErr(),
      ).to.equal(true);
      expect(kit.bus.types()).to.deep.equal([]);
      expect(await kit.bus.stagedOutbox.pending(new Date(8.64e15), 10)).to.deep.equal([]);
    });
  });

  describe('LoginUser', () => {
    it('logs in with any email case, sets lastLogin and answers a working token', async () => {
      const { user } = await registered(kit);
      kit.clock.advance(5000);
      const s = (
        await kit.login.execute({ email: 'ROSE@example.com', password: 'secret1', ip: '1.1.1.1' })
      ).unwrap();
      expect(s.user.lastLogin).to.deep.equal(kit.clock.now());
      expect((await kit.users.findById(user.id))!.lastLogin).to.deep.equal(kit.clock.now());
      expect((await kit.authenticator.authenticate(s.token)).unwrap().user.id).to.equal(user.id);
    });

    it('answers the same INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
      await registered(kit);
      const wrong = await kit.login.execute({ email: 'rose@example.com', password: 'nope-nope', ip: 'a' });
      const unknown = await kit.login.execute({ email: 'ghost@example.com', password: 'secret1', ip: 'a' });
      expect(wrong.unwrapErr()).to.deep.equal({
        code: 'INVALID_CREDENTIALS',
        message: 'Invalid credentials',
      });
      expect(unknown.unwrapErr()).to.deep.equal(wrong.unwrapErr());
    });

    it('runs one bcrypt comparison of the same cost for an unknown email (no timing oracle)', async () => {
      const compare = sinon.spy(kit.hasher, 'compare');
      await kit.login.execute({ email: 'ghost@example.com', password: 'secret1', ip: 'a' });
      expect(compare.callCount).to.equal(1);
      expect(compare.firstCall.args[1]).to.match(/^\$2[aby]\$04\$.{53}$/);
    });

    it('asks for both fields when one is missing or empty', async () => {
      for (const input of [{ email: 'a@b.co' }, { password: 'x' }, { email: '', password: '' }]) {
        const r = await kit.login.execute({ ...input, ip: 'a' });
        expect(r.unwrapErr().message).to.equal('Please provide email and password');
      }
    });

    it('throttles per email + IP after maxFailures, before checking the password, unknown emails too', async () => {
      await registered(kit);
      for (let i = 0; i < 3; i += 1) {
        const r = await kit.login.execute({ email: 'rose@example.com', password: 'bad-pass', ip: '9.9.9.9' });
        expect(r.unwrapErr().code).to.equal('INVALID_CREDENTIALS');
      }
      const right = await kit.login.execute({
        email: 'rose@example.com',
        password: 'secret1',
        ip: '9.9.9.9',
      });
      expect(right.unwrapErr().code).to.equal('TOO_MANY_ATTEMPTS');
      expect(right.unwrapErr().message).to.equal(
        'Too many failed login attempts. Please try again in 60 seconds',
      );
      // another address is not blocked
      expect(
        (await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: '8.8.8.8' })).isOk(),
      ).to.equal(true);
      // unknown emails count as well
      for (let i = 0; i < 3; i += 1)
        await kit.login.execute({ email: 'ghost@example.com', password: 'x', ip: '9.9.9.9' });
      const ghost = await kit.login.execute({ email: 'ghost@example.com', password: 'x', ip: '9.9.9.9' });
      expect(ghost.unwrapErr().code).to.equal('TOO_MANY_ATTEMPTS');
      // the window ends
      kit.clock.advance(60_000);
      expect(
        (await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: '9.9.9.9' })).isOk(),
      ).to.equal(true);
    });

    it('a success resets the failure count', async () => {
      await registered(kit);
      const attempt = (password: string) =>
        kit.login.execute({ email: 'rose@example.com', password, ip: 'x' });
      await attempt('bad-1');
      await attempt('bad-2');
      expect((await attempt('secret1')).isOk()).to.equal(true);
      await attempt('bad-3');
      await attempt('bad-4');
      expect((await attempt('secret1')).isOk()).to.equal(true);
    });

    it('counts failures per account across IPs: spreading guesses over addresses does not multiply them', async () => {
      kit = identityKit({ maxFailures: 3, maxAccountFailures: 10 });
      await registered(kit);
      // 6 addresses x 3 allowed per email + IP would be 18 guesses; the account allows 10 in all.
      const codes: string[] = [];
      for (let ip = 1; ip <= 6; ip += 1) {
        for (let i = 0; i < 3; i += 1) {
          const r = await kit.login.execute({
            email: 'rose@example.com',
            password: 'bad',
            ip: `10.0.0.${ip}`,
          });
          codes.push(r.unwrapErr().code);
        }
      }
      expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).to.have.length(10);
      expect(codes.slice(10).every((c) => c === 'TOO_MANY_ATTEMPTS')).to.equal(true);
      const fresh = await kit.login.execute({
        email: 'rose@example.com',
        password: 'secret1',
        ip: '10.0.0.99',
      });
      expect(fresh.unwrapErr().code).to.equal('TOO_MANY_ATTEMPTS');
      // other accounts are not affected, and the window ends
      await registered(kit, 'lily@example.com');
      expect(
        (await kit.login.execute({ email: 'lily@example.com', password: 'secret1', ip: '10.0.0.1' })).isOk(),
      ).to.equal(true);
      kit.clock.advance(60_000);
      expect(
        (await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: '10.0.0.99' })).isOk(),
      ).to.equal(true);
    });

    it('counts failures per IP for every email together: one address cannot spray many accounts', async () => {
      kit = identityKit({ maxFailures: 100, maxAccountFailures: 100, maxIpFailures: 4 });
      await registered(kit);
      for (let i = 0; i < 4; i += 1) {
        const r = await kit.login.execute({ email: `guess${i}@example.com`, password: 'x', ip: '7.7.7.7' });
        expect(r.unwrapErr().code).to.equal('INVALID_CREDENTIALS');
      }
      const right = await kit.login.execute({
        email: 'rose@example.com',
        password: 'secret1',
        ip: '7.7.7.7',
      });
      expect(right.unwrapErr().code).to.equal('TOO_MANY_ATTEMPTS');
      expect(right.unwrapErr().details).to.deep.include({ retryAfter: 60 });
      const elsewhere = await kit.login.execute({
        email: 'rose@example.com',
        password: 'secret1',
        ip: '6.6.6.6',
      });
      expect(elsewhere.isOk()).to.equal(true);
      kit.clock.advance(60_000);
      expect(
        (await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: '7.7.7.7' })).isOk(),
      ).to.equal(true);
    });

    it('locks longer each time (1, 2, 4 minutes: exponential backoff); a success starts over', async () => {
      kit = identityKit({ maxFailures: 2 });
      await registered(kit);
      const attempt = (password: string) =>
        kit.login.execute({ email: 'rose@example.com', password, ip: '5.5.5.5' });
      const lockAfterTwoFailures = async () => {
        expect((await attempt('bad')).unwrapErr().code).to.equal('INVALID_CREDENTIALS');
        expect((await attempt('bad')).unwrapErr().code).to.equal('INVALID_CREDENTIALS');
        const locked = (await attempt('secret1')).unwrapErr();
        expect(locked.code).to.equal('TOO_MANY_ATTEMPTS');
        return (locked.details as { retryAfter: number }).retryAfter;
      };
      expect(await lockAfterTwoFailures()).to.equal(60);
      kit.clock.advance(60_000);
      expect(await lockAfterTwoFailures()).to.equal(120);
      kit.clock.advance(60_000);
      expect((await attempt('secret1')).unwrapErr().code).to.equal('TOO_MANY_ATTEMPTS');
      kit.clock.advance(60_000);
      expect(await lockAfterTwoFailures()).to.equal(240);
      kit.clock.advance(240_000);
      expect((await attempt('secret1')).isOk()).to.equal(true);
      expect(await lockAfterTwoFailures()).to.equal(60);
    });

    it('refuses logins beyond the per-IP concurrency before hashing; other addresses go straight through', async () => {
      kit = identityKit({ maxConcurrentLoginsPerIp: 2, maxFailures: 1000, maxAccountFailures: 1000 });
      await registered(kit);
      const compare = sinon.spy(kit.hasher, 'compare');
      const flood = Array.from({ length: 20 }, (_, i) =>
        kit.login.execute({ email: `ghost${i}@example.com`, password: 'x', ip: '6.6.6.6' }),
      );
      const real = kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: '1.2.3.4' });
      const results = await Promise.all(flood);
      expect((await real).isOk()).to.equal(true);
      const refused = results.filter((r) => r.isErr() && r.error.code === 'SERVER_BUSY');
      expect(refused).to.have.length(18);
      expect(refused[0]!.unwrapErr().details).to.include({ retryAfter: 1 });
      expect(compare.callCount).to.equal(3); // 2 from the flood, 1 for the real user
      // once they have finished, the address may log in again
      const later = await kit.login.execute({ email: 'ghost@example.com', password: 'x', ip: '6.6.6.6' });
      expect(later.unwrapErr().code).to.equal('INVALID_CREDENTIALS');
    });

    it('a full hashing queue is a SERVER_BUSY answer (answered as 429 RATE_LIMITED), not an exception', async () => {
      await registered(kit);
      sinon.stub(kit.hasher, 'compare').rejects(new PasswordHasherBusy(2));
      const r = await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: 'a' });
      expect(r.unwrapErr().code).to.equal('SERVER_BUSY');
      expect(r.unwrapErr().details).to.include({ retryAfter: 2 });
      sinon.stub(kit.hasher, 'hash').rejects(new PasswordHasherBusy());
      const reg = await kit.register.execute({
        fullName: 'Iris',
        email: 'iris@example.com',
        password: 'secret1',
      });
      expect(reg.unwrapErr().code).to.equal('SERVER_BUSY');
    });

    it('refuses a deactivated account after checking the password', async () => {
      const { user } = await registered(kit);
      await kit.setActive.execute({ userId: user.id, isActive: false });
      const r = await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: 'a' });
      expect(r.unwrapErr().code).to.equal('USER_DEACTIVATED');
    });
  });

  describe('TokenAuthenticator', () => {
    const notAuth = { code: 'NOT_AUTHENTICATED', message: 'Not authorized to access this route' };

    it('answers the principal with the sha256 of the token and its expiry', async () => {
      const s = await registered(kit);
      const p = (await kit.authenticator.authenticate(s.token)).unwrap();
      expect(p.tokenId)
        .to.equal(kit.digest.digest(s.token))
        .and.to.match(/^[0-9a-f]{64}$/);
      expect(p.tokenExpiresAt.getTime()).to.equal(
        (Math.floor(kit.clock.now().getTime() / 1000) + 3600) * 1000,
      );
    });

    it('refuses missing, malformed, foreign-signed and expired tokens alike', async () => {
      const s = await registered(kit);
      const [h, p] = s.token.split('.');
      for (const token of [undefined, '', 'abc', `${h}.${p}.AAAA`, `${h}.${p}`]) {
        expect((await kit.authenticator.authenticate(token)).unwrapErr()).to.include(notAuth);
      }
      kit.clock.advance(3600_000);
      expect((await kit.authenticator.authenticate(s.token)).unwrapErr()).to.include(notAuth);
    });

    it('names the account for deleted and deactivated users', async () => {
      const s = await registered(kit);
      await kit.setActive.execute({ userId: s.user.id, isActive: false });
      expect((await kit.authenticator.authenticate(s.token)).unwrapErr()).to.deep.equal({
        code: 'USER_DEACTIVATED',
        message: 'User account is deactivated',
        userId: s.user.id,
        role: 'user',
      });
      await kit.users.delete(s.user.id);
      expect((await kit.authenticator.authenticate(s.token)).unwrapErr()).to.deep.include({
        code: 'USER_NO_LONGER_EXISTS',
        message: 'User no longer exists',
        userId: s.user.id,
      });
    });

    it('logout revokes exactly the presented token until it expires; bad tokens are ignored', async () => {
      const s = await registered(kit);
      kit.clock.advance(1000);
      const other = (
        await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: 'a' })
      ).unwrap();
      expect((await kit.logout.execute({ token: s.token })).unwrap()).to.deep.equal({ revoked: true });
      expect((await kit.authenticator.authenticate(s.token)).unwrapErr()).to.include(notAuth);
      expect((await kit.authenticator.authenticate(other.token)).isOk()).to.equal(true);
      expect((await kit.logout.execute({ token: 'garbage' })).unwrap()).to.deep.equal({ revoked: false });
      expect((await kit.logout.execute({})).unwrap()).to.deep.equal({ revoked: false });
    });
  });
});
