import { expect } from 'chai';
import sinon from 'sinon';
import { BcryptPasswordHasher } from '../../../adapters/security/bcrypt-password-hasher.js';
import { STARTUP_PROGRESS, type StartupProgress } from '../../../application/health/ports.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, buildTestApp, type TestApp } from '../../support/harness.js';

/**
 * The configured admin account is created after the server is ready (its password hash was about
 * 100 ms of the start), so requests that need it must wait for it: here the seed's hash is held
 * back until the test lets it go, and a login and a registration with the admin's email sent
 * meanwhile answer only then, as they would have with the account already there.
 */
describe('the admin account seed runs after listening; the users port waits for it', () => {
  let t: TestApp;
  let letHashGo!: () => void;
  let seedHashStarted!: Promise<void>;

  before(async () => {
    const original = BcryptPasswordHasher.prototype.hash;
    let started!: () => void;
    seedHashStarted = new Promise((resolve) => (started = resolve));
    const held = new Promise<void>((resolve) => (letHashGo = resolve));
    sinon.stub(BcryptPasswordHasher.prototype, 'hash').callsFake(async function (
      this: BcryptPasswordHasher,
      plain: string,
    ) {
      if (plain === ADMIN_PASSWORD) {
        started();
        await held;
      }
      return original.call(this, plain);
    });
    t = await buildTestApp();
  });

  after(async () => {
    sinon.restore();
    await t?.close();
  });

  it('holds a login and a registration with the admin email until the account exists', async () => {
    await seedHashStarted; // the application is ready and answering; the seed is mid-hash
    const pending = t.container.get<StartupProgress>(STARTUP_PROGRESS).pending();
    expect(pending).to.deep.equal(['identity:ensure-admin: not run yet']);
    const health = await t.request({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).to.equal(200);
    const ready = await t.request({ method: 'GET', url: '/api/health/ready' });
    expect(ready.statusCode).to.equal(503); // readiness waits for it, like any start-up task

    let answered = 0;
    const login = t
      .request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      })
      .finally(() => (answered += 1));
    const register = t
      .request({
        method: 'POST',
        url: '/api/auth/register',
        body: {
          fullName: 'Not The Admin',
          email: ADMIN_EMAIL,
          password: 'another-pass-1',
          phone: '',
          birthday: '',
        },
      })
      .finally(() => (answered += 1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).to.equal(0);

    letHashGo();
    const [loggedIn, registered] = await Promise.all([login, register]);
    expect(loggedIn.statusCode, loggedIn.body).to.equal(200);
    expect(loggedIn.json().data.user.role).to.equal('admin');
    expect(registered.statusCode, registered.body).to.equal(400);
    expect(registered.json().code).to.equal('EMAIL_TAKEN');
    expect(t.container.get<StartupProgress>(STARTUP_PROGRESS).pending()).to.deep.equal([]);
  });
});
