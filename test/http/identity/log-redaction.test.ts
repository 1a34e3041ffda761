import { mailSettled } from '../../support/notifications.js';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createApplication, createLogger, type Application } from '../../../bootstrap/app.js';
import { redactUrl } from '../../../adapters/telemetry/log-redaction.js';
import { PRODUCTION_SECRETS, testConfig } from '../../support/harness.js';
import { outbox } from './helpers.js';

/** A log destination that keeps every line. */
class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  json(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

const STRONG_JWT = PRODUCTION_SECRETS.JWT_SECRET;

describe('logs carry no secrets', () => {
  describe('request log of a real server', () => {
    let application: Application;
    let base: string;
    const log = new Lines();
    // The most talkative level: nothing logged at any level may carry a secret.
    const config = testConfig({ LOG_LEVEL: 'trace', FRONTEND_URL: 'https://shop.example' });

    before(async () => {
      application = await createApplication(config, {}, { logDestination: log });
      await application.app.listen({ port: 0, host: '127.0.0.1' });
      const address = application.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    after(async () => {
      await application.close();
    });

    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });

    it('logs the reset URL with the token replaced, and no bearer token, cookie or password', async () => {
      const email = `logs.${Date.now()}@example.com`;
      const password = 'first-Password-9';
      const registered = await call('POST', '/api/auth/register', {
        fullName: 'Log Reader',
        email,
        password,
        phone: '',
        birthday: '',
      });
      expect(registered.status).to.equal(201);
      const { token } = (await registered.json()) as { token: string };

      await call('POST', '/api/auth/forgotpassword', { email });
      // The mail is sent after the answer, by a background task.
      await mailSettled(application);
      const mail = outbox({ config } as never)
        .filter((m) => m.to === email && /reset/i.test(m.subject))
        .at(-1)!;
      const resetToken = /reset-password\/([0-9a-f]{64})/.exec(mail.text)![1]!;

      // A failed reset (too short a password) does not spend the token: it must not be in the log.
      const failed = await call('PUT', `/api/auth/resetpassword/${resetToken}`, { password: 'x' });
      expect(failed.status).to.equal(400);
      const doubled = await call('PUT', `/api/api/auth/resetpassword/${resetToken}?token=${resetToken}`, {
        password: 'x',
      });
      expect(doubled.status).to.equal(400);
      await call('GET', '/api/auth/me', undefined, {
        authorization: `Bearer ${token}`,
        cookie: `token=${token}`,
      });
      await call('POST', '/api/auth/login', { email, password });

      const lines = log.json();
      const urls = lines.map((l) => (l.req as { url?: string } | undefined)?.url).filter(Boolean);
      expect(urls).to.include('/api/auth/resetpassword/[REDACTED]');
      // The doubled prefix is served (and logged) as /api/... (compat 0.1).
      expect(urls).to.include('/api/auth/resetpassword/[REDACTED]?token=[REDACTED]');
      expect(urls).to.include('/api/auth/me');
      expect(log.text).to.not.include(resetToken);
      expect(log.text).to.not.include(token);
      expect(log.text).to.not.include(password);
    });

    it('redacts password, token and credential-header fields of any logged object', () => {
      application.logger.info(
        {
          password: 'p-one-secret',
          body: { newPassword: 'p-two-secret', currentPassword: 'p-three-secret' },
          user: { token: 'tok-four-secret' },
          headers: { authorization: 'Bearer five-secret', cookie: 'six-secret' },
          req: { headers: { authorization: 'Bearer seven-secret' } },
        },
        'object with credentials',
      );
      const line = log.json().find((l) => l.msg === 'object with credentials')!;
      expect(JSON.stringify(line)).to.not.match(/secret/);
      expect(line.password).to.equal('[REDACTED]');
      expect((line.headers as Record<string, string>).authorization).to.equal('[REDACTED]');
    });
  });

  describe('the generated admin password', () => {
    async function startupLog(env: Record<string, string>): Promise<Record<string, unknown>[]> {
      const lines = new Lines();
      const application = await createApplication(
        testConfig({ LOG_LEVEL: 'info', ADMIN_PASSWORD: '', ...env }),
        {},
        { logDestination: lines },
      );
      await application.startup.completed; // the admin account is created after listening
      await application.close();
      return lines.json().filter((l) => /admin account/.test(String(l.msg)));
    }

    it('is logged once outside production, so the embedded shop can be used', async () => {
      const [line, ...more] = await startupLog({});
      expect(more).to.deep.equal([]);
      expect(line!.generatedPassword).to.match(/^[0-9a-f]{24}$/);
    });

    it('is never logged in production; the line says how to set one', async () => {
      const lines = await startupLog({
        NODE_ENV: 'production',
        JWT_SECRET: STRONG_JWT,
        CARD_PAYMENTS_ENABLED: 'false',
        PII_MASTER_KEY: PRODUCTION_SECRETS.PII_MASTER_KEY,
      });
      expect(lines).to.have.length(1);
      expect(lines[0]!.msg)
        .to.match(/not logged/)
        .and.to.match(/ADMIN_PASSWORD/);
      expect(lines[0]).to.not.have.property('generatedPassword');
      expect(lines[0]).to.not.have.property('password');
    });
  });

  describe('redactUrl', () => {
    it('replaces the reset token in either prefix and secret query values, nothing else', () => {
      expect(redactUrl('/api/auth/resetpassword/abc123')).to.equal('/api/auth/resetpassword/[REDACTED]');
      expect(redactUrl('/api/api/auth/ResetPassword/abc123/')).to.equal(
        '/api/api/auth/ResetPassword/[REDACTED]/',
      );
      expect(redactUrl('/api/products?search=rose&page=2')).to.equal('/api/products?search=rose&page=2');
      expect(redactUrl('/x?access_token=abc&q=1#frag')).to.equal('/x?access_token=[REDACTED]&q=1');
      expect(redactUrl('/x?%zz=1&password=p')).to.equal('/x?%zz=1&password=[REDACTED]');
    });

    it('is what the CLI logger uses too (same createLogger)', () => {
      const lines = new Lines();
      const logger = createLogger({ logLevel: 'info' }, lines);
      logger.info({ req: { method: 'PUT', url: '/api/auth/resetpassword/t0k3n' } }, 'r');
      expect(lines.text).to.include('/api/auth/resetpassword/[REDACTED]').and.not.include('t0k3n');
    });
  });
});
