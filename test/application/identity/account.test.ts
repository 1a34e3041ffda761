import { expect } from 'chai';
import type { User } from '../../../domain/identity/user.js';
import { MemoryAuditLog } from '../../../adapters/persistence/memory/identity-audit-log.js';
import { USERS_COLLECTION } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { identityKit, registered, type IdentityKit } from './support.js';

function resetTokenFrom(kit: IdentityKit): string {
  const mail = kit.mailer.sent.at(-1)!;
  const m = /https:\/\/shop\.example\/reset-password\/([0-9a-f]+)/.exec(mail.text);
  if (!m) throw new Error(`no reset link in: ${mail.text}`);
  return m[1]!;
}

describe('application/identity: account use cases', () => {
  let kit: IdentityKit;
  beforeEach(() => {
    kit = identityKit();
  });

  describe('UpdatePassword', () => {
    it('refuses a wrong current password with a 400-class code (never a 401)', async () => {
      const { user } = await registered(kit);
      const r = await kit.updatePassword.execute({
        userId: user.id,
        currentPassword: 'wrong!',
        newPassword: 'brand-new',
      });
      expect(r.unwrapErr().code).to.equal('INVALID_CURRENT_PASSWORD');
    });

    it('refuses a short new password', async () => {
      const { user } = await registered(kit);
      const r = await kit.updatePassword.execute({
        userId: user.id,
        currentPassword: 'secret1',
        newPassword: '123',
      });
      expect(r.unwrapErr().code).to.equal('VALIDATION_FAILED');
    });

    it('older tokens stop working (passwordChangedAt), the fresh token and new password work', async () => {
      const s = await registered(kit);
      kit.clock.advance(2000);
      const fresh = (
        await kit.updatePassword.execute({
          userId: s.user.id,
          currentPassword: 'secret1',
          newPassword: 'brand-new',
        })
      ).unwrap();
      expect(fresh.user.passwordChangedAt).to.deep.equal(kit.clock.now());
      expect((await kit.authenticator.authenticate(s.token)).unwrapErr()).to.deep.include({
        code: 'NOT_AUTHENTICATED',
        userId: s.user.id,
      });
      expect((await kit.authenticator.authenticate(fresh.token)).isOk()).to.equal(true);
      expect(
        (await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: 'a' })).isErr(),
      ).to.equal(true);
      expect(
        (await kit.login.execute({ email: 'rose@example.com', password: 'brand-new', ip: 'a' })).isOk(),
      ).to.equal(true);
    });
    it('a token issued earlier in the same second as the change is refused; the fresh token works', async () => {
      kit.clock.set('2026-06-01T10:00:05.100Z');
      const s = await registered(kit);
      const other = (
        await kit.login.execute({ email: 'rose@example.com', password: 'secret1', ip: 'a' })
      ).unwrap();
      kit.clock.set('2026-06-01T10:00:05.600Z');
      const fresh = (
        await kit.updatePassword.execute({
          userId: s.user.id,
          currentPassword: 'secret1',
          newPassword: 'brand-new',
        })
      ).unwrap();
      for (const old of [s.token, other.token]) {
        expect((await kit.authenticator.authenticate(old)).unwrapErr().code).to.equal('NOT_AUTHENTICATED');
      }
      expect((await kit.authenticator.authenticate(fresh.token)).isOk()).to.equal(true);
      // A login later in the same second also gets a working token.
      kit.clock.set('2026-06-01T10:00:05.900Z');
      const later = (
        await kit.login.execute({ email: 'rose@example.com', password: 'brand-new', ip: 'a' })
      ).unwrap();
      expect((await kit.authenticator.authenticate(later.token)).isOk()).to.equal(true);
      // The payload stays exactly {id, iat, exp} (compat 0.3).
      const payload = JSON.parse(Buffer.from(fresh.token.split('.')[1]!, 'base64').toString('utf8'));
      expect(Object.keys(payload).sort()).to.deep.equal(['exp', 'iat', 'id']);
    });

    it('a reset in the same second as a login refuses that login token; the reset token works', async () => {
      kit.clock.set('2026-06-01T10:00:09.050Z');
      const s = await registered(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      kit.clock.set('2026-06-01T10:00:09.950Z');
      const done = (
        await kit.reset.execute({ resetToken: resetTokenFrom(kit), password: 'after-reset' })
      ).unwrap();
      expect((await kit.authenticator.authenticate(s.token)).isErr()).to.equal(true);
      expect((await kit.authenticator.authenticate(done.token)).isOk()).to.equal(true);
    });
  });

  describe('ForgotPassword / ResetPassword', () => {
    it('answers the same for unknown and known emails; only the known one gets a mail', async () => {
      await registered(kit);
      kit.mailer.sent.length = 0;
      const unknown = await kit.forgot.execute({ email: 'ghost@example.com' });
      const known = await kit.forgot.execute({ email: 'ROSE@example.com' });
      expect(unknown.unwrap()).to.deep.equal({ message: 'Password reset email sent' });
      expect(known.unwrap()).to.deep.equal(unknown.unwrap());
      expect(kit.mailer.sent.map((m) => m.to)).to.deep.equal(['rose@example.com']);
    });

    it('answers before looking the email up or mailing: a mailer that never answers still gets its answer', async () => {
      await registered(kit);
      kit.mailer.sent.length = 0;
      let mailed = 0;
      kit.mailer.send = () => {
        mailed += 1;
        return new Promise<void>(() => undefined); // never resolves
      };
      let lookups = 0;
      const findByEmail = kit.users.findByEmail.bind(kit.users);
      kit.users.findByEmail = (email) => {
        lookups += 1;
        return findByEmail(email);
      };
      const known = await kit.forgotUseCase.execute({ email: 'rose@example.com' });
      const unknown = await kit.forgotUseCase.execute({ email: 'ghost@example.com' });
      // both answered with the same work done: no lookup yet, no mail yet
      expect(known.unwrap()).to.deep.equal(unknown.unwrap());
      expect(lookups).to.equal(0);
      expect(mailed).to.equal(0);
      await kit.tasks.drain(50);
      expect(lookups).to.equal(2);
      await kit.bus.drain();
      while (mailed === 0) await new Promise((r) => setTimeout(r, 2));
      expect(mailed).to.equal(1); // the known account's mail was started (and hangs), the unknown none
    });

    it('a failing mailer is never revealed: the answer is the same, the notification failed with the reason', async () => {
      await registered(kit);
      kit.mailer.failWith = new Error('smtp down');
      const r = await kit.forgot.execute({ email: 'rose@example.com' });
      expect(r.unwrap()).to.deep.equal({ message: 'Password reset email sent' });
      const reset = (await kit.notifications.query({ page: 1, limit: 10 })).items.find(
        (n) => n.template === 'password-reset',
      );
      expect(reset).to.deep.include({ status: 'failed', lastError: 'smtp down' });
    });

    it('the token is in the mail only: not in the event outbox, not in the stored notification', async () => {
      await registered(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      const token = resetTokenFrom(kit);
      const [event] = kit.bus.ofType('identity.password-reset-requested');
      expect(JSON.stringify(event)).not.to.contain(token);
      expect(event!.payload).to.deep.equal({ userId: (await kit.users.findByEmail('rose@example.com'))!.id });
      const stored = (await kit.notifications.query({ page: 1, limit: 10 })).items.find(
        (n) => n.template === 'password-reset',
      )!;
      expect(stored.status).to.equal('sent');
      expect(JSON.stringify(stored)).not.to.contain(token);
      expect(stored.content).to.contain('[[secret:resetUrl]]');
      expect(kit.mailer.sent.at(-1)!.html).to.contain(`href="https://shop.example/reset-password/${token}"`);
    });

    it('one mail with one working link per request, even when the event is delivered again and by another instance', async () => {
      await registered(kit);
      kit.mailer.sent.length = 0;
      await kit.forgot.execute({ email: 'rose@example.com' });
      const [event] = kit.bus.ofType('identity.password-reset-requested');
      const other = kit.otherInstance();
      await Promise.all([kit.bus.publish([event!]), other.publish([event!])]);
      await Promise.all([kit.bus.drain(), other.drain()]);
      await kit.settled();
      expect(kit.mailer.sent).to.have.length(1);
      const token = resetTokenFrom(kit);
      expect((await kit.reset.execute({ resetToken: token, password: 'after-reset' })).isOk()).to.equal(true);
    });

    it('stores only the digest of the token', async () => {
      await registered(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      const token = resetTokenFrom(kit);
      const stored = [...kit.db.collection<unknown>('password_resets').keys()];
      expect(stored).to.deep.equal([kit.digest.digest(token)]);
      expect(stored).not.to.include(token);
    });

    it('a reset token works once, sets the password and invalidates older tokens', async () => {
      const s = await registered(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      const token = resetTokenFrom(kit);
      kit.clock.advance(1000);
      const done = (await kit.reset.execute({ resetToken: token, password: 'after-reset' })).unwrap();
      expect(done.user.id).to.equal(s.user.id);
      expect((await kit.authenticator.authenticate(s.token)).isErr()).to.equal(true);
      expect(
        (await kit.login.execute({ email: 'rose@example.com', password: 'after-reset', ip: 'a' })).isOk(),
      ).to.equal(true);
      const again = await kit.reset.execute({ resetToken: token, password: 'third-one' });
      expect(again.unwrapErr()).to.deep.equal({
        code: 'RESET_TOKEN_INVALID',
        message: 'Invalid or expired reset token',
      });
    });

    it('a reset token expires after one hour', async () => {
      await registered(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      const token = resetTokenFrom(kit);
      kit.clock.advance(3600_000);
      const r = await kit.reset.execute({ resetToken: token, password: 'after-reset' });
      expect(r.unwrapErr().code).to.equal('RESET_TOKEN_INVALID');
    });

    it('is still valid just before the hour; a newer request replaces the older token', async () => {
      await registered(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      const first = resetTokenFrom(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      const second = resetTokenFrom(kit);
      expect(second).not.to.equal(first);
      kit.clock.advance(3600_000 - 1);
      expect((await kit.reset.execute({ resetToken: first, password: 'after-reset' })).isErr()).to.equal(
        true,
      );
      expect((await kit.reset.execute({ resetToken: second, password: 'after-reset' })).isOk()).to.equal(
        true,
      );
    });

    it('a too-short new password does not spend the token', async () => {
      await registered(kit);
      await kit.forgot.execute({ email: 'rose@example.com' });
      const token = resetTokenFrom(kit);
      expect((await kit.reset.execute({ resetToken: token, password: '123' })).unwrapErr().code).to.equal(
        'VALIDATION_FAILED',
      );
      expect((await kit.reset.execute({ resetToken: token, password: '123456' })).isOk()).to.equal(true);
    });
  });

  describe('UpdateDetails and the user repository', () => {
    it('refuses an email used by another account', async () => {
      await registered(kit, 'first@example.com');
      const { user } = await registered(kit, 'second@example.com');
      const r = await kit.updateDetails.execute({ userId: user.id, email: 'FIRST@example.com' });
      expect(r.unwrapErr().code).to.equal('EMAIL_TAKEN');
    });

    it('never overwrites favorites changed meanwhile by the wishlist context', async () => {
      const { user } = await registered(kit);
      const users = kit.db.collection<User>(USERS_COLLECTION);
      // the wishlist adapter writes favorites straight into the shared record
      users.set(user.id, { ...users.get(user.id)!, favorites: ['p1', 'p2'] });
      const stale = { ...user, fullName: 'Stale Save', favorites: [] };
      const saved = (await kit.users.update(stale)).unwrap();
      expect(saved.favorites).to.deep.equal(['p1', 'p2']);
      expect(users.get(user.id)!.favorites).to.deep.equal(['p1', 'p2']);
      expect(users.get(user.id)!.fullName).to.equal('Stale Save');
    });

    it('refuses a save from a stale version with CONFLICT', async () => {
      const { user } = await registered(kit);
      expect((await kit.users.update({ ...user, fullName: 'A' })).unwrap().version).to.equal(
        user.version + 1,
      );
      const r = await kit.users.update({ ...user, fullName: 'B' });
      expect(r.unwrapErr().code).to.equal('CONFLICT');
      expect((await kit.users.findById(user.id))!.fullName).to.equal('A');
    });

    it('UpdateDetails retries over a concurrent save instead of failing', async () => {
      const { user } = await registered(kit);
      const original = kit.users.update.bind(kit.users);
      let first = true;
      kit.users.update = async (u) => {
        if (first) {
          first = false;
          await original({ ...(await kit.users.findById(u.id))!, phone: '12345' }); // someone else saves
        }
        return original(u);
      };
      const r = await kit.updateDetails.execute({ userId: user.id, fullName: 'Retried' });
      expect(r.unwrap()).to.include({ fullName: 'Retried', phone: '12345', version: 2 });
    });
  });

  describe('admin accounts', () => {
    it('EnsureAdminAccount creates the admin with a generated password logged once', async () => {
      await kit.ensureAdmin.run();
      await kit.ensureAdmin.run();
      const admin = (await kit.users.findByEmail('boss@example.com'))!;
      expect(admin.role).to.equal('admin');
      expect(kit.logger.warn.callCount).to.equal(1);
      const [message, fields] = kit.logger.warn.firstCall.args as [
        string,
        { email: string; generatedPassword: string },
      ];
      expect(message).to.match(/generated password/);
      expect(fields.email).to.equal('boss@example.com');
      expect(await kit.hasher.compare(fields.generatedPassword, admin.passwordHash)).to.equal(true);
    });

    it('EnsureAdminAccount in production never logs the generated password, only how to set one', async () => {
      const k = identityKit({ production: true });
      await k.ensureAdmin.run();
      const admin = (await k.users.findByEmail('boss@example.com'))!;
      expect(admin.role).to.equal('admin');
      expect(k.logger.warn.callCount).to.equal(1);
      const [message, fields] = k.logger.warn.firstCall.args as [string, Record<string, unknown>];
      expect(message)
        .to.match(/not logged/)
        .and.to.match(/create-admin/)
        .and.to.match(/ADMIN_PASSWORD/);
      expect(fields).to.deep.equal({ email: 'boss@example.com' });
      // Nothing anywhere in what was logged opens the account.
      const logged = [k.logger.info, k.logger.warn, k.logger.error].flatMap((spy) =>
        spy.getCalls().flatMap((call) => call.args.map((a) => JSON.stringify(a))),
      );
      for (const text of logged) {
        for (const word of text.match(/[A-Za-z0-9]{8,}/g) ?? []) {
          expect(await k.hasher.compare(word, admin.passwordHash)).to.equal(false);
        }
      }
    });

    it('EnsureAdminAccount uses the configured password and leaves an existing account alone', async () => {
      const k = identityKit({ adminPassword: 'configured-pass' });
      await k.ensureAdmin.run();
      const admin = (await k.users.findByEmail('boss@example.com'))!;
      expect(await k.hasher.compare('configured-pass', admin.passwordHash)).to.equal(true);
      expect(k.logger.warn.callCount).to.equal(0);
      await k.ensureAdmin.run();
      expect((await k.users.findByEmail('boss@example.com'))!.version).to.equal(admin.version);
      expect(await k.users.count({ role: 'admin' })).to.equal(1);
    });

    it('CreateAdmin promotes an existing user (keeping the password when none is given)', async () => {
      const { user } = await registered(kit);
      const r = (await kit.createAdmin.execute({ email: 'ROSE@example.com', fullName: 'ignored' })).unwrap();
      expect(r.created).to.equal(false);
      expect(r.user).to.include({ id: user.id, role: 'admin', fullName: 'Rose' });
      expect(await kit.hasher.compare('secret1', r.user.passwordHash)).to.equal(true);
    });

    it('CreateAdmin creates a new admin and validates its input', async () => {
      const bad = await kit.createAdmin.execute({ email: 'new@example.com', fullName: 'New', password: '1' });
      expect(bad.unwrapErr().code).to.equal('VALIDATION_FAILED');
      const r = (
        await kit.createAdmin.execute({ email: 'new@example.com', fullName: 'New', password: 'long-enough' })
      ).unwrap();
      expect(r.created).to.equal(true);
      expect(r.user.role).to.equal('admin');
    });

    it('SetUserActive answers NOT_FOUND for an unknown user', async () => {
      const r = await kit.setActive.execute({ userId: 'ffffffffffffffffffffffff', isActive: false });
      expect(r.unwrapErr().code).to.equal('NOT_FOUND');
    });
  });

  describe('MemoryAuditLog', () => {
    it('lists newest first, paginated', async () => {
      const log = new MemoryAuditLog(kit.db);
      for (let i = 1; i <= 5; i += 1) {
        await log.record({
          id: `id${i}`,
          userId: null,
          action: 'read',
          resource: 'system',
          success: true,
          ip: '1',
          userAgent: 'ua',
          details: { endpoint: '/x', method: 'GET' },
          errorMessage: null,
          timestamp: new Date(i),
        });
      }
      const ids = async (page: number, limit: number) => (await log.list(page, limit)).items.map((e) => e.id);
      expect(await ids(1, 2)).to.deep.equal(['id5', 'id4']);
      expect(await ids(3, 2)).to.deep.equal(['id1']);
      expect(await ids(4, 2)).to.deep.equal([]);
      expect((await log.list(1, 2)).total).to.equal(5);
    });
  });
});
