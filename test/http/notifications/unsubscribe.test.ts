import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';

async function waitForStatus(t: TestApp, token: string, id: string, status: string) {
  for (;;) {
    const res = await t.request({ method: 'GET', url: `/api/notifications/${id}`, token });
    if (res.json().data.notification.status === status) return res.json().data.notification;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('http/notifications: one-click unsubscribe (RFC 8058) without logging in', () => {
  let t: TestApp;
  let admin: string;

  before(async () => {
    t = await buildTestApp({ NOTIFICATION_BACKOFF_MS: '1', PUBLIC_URL: 'https://api.florals.test' });
    admin = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
  });

  const newsletter = (to: string) =>
    t.request({
      method: 'POST',
      url: '/api/notifications/email',
      token: admin,
      body: { to, template: 'newsletter', variables: { headline: 'Spring', body: 'Tulips' } },
    });
  const preferences = async (token: string) =>
    (await t.request({ method: 'GET', url: '/api/auth/preferences', token })).json().data.preferences;

  it('the mail carries the link and the List-Unsubscribe headers; GET shows a page and changes nothing; POST turns newsletter off, idempotently, also in parallel', async () => {
    const shopper = await registerUser(t);
    const res = await newsletter(shopper.user._id);
    expect(res.statusCode, res.body).to.equal(202);
    const n = res.json().data.notification;
    const link: string = n.metadata.unsubscribeUrl;
    expect(link).to.match(/^https:\/\/api\.florals\.test\/api\/notifications\/unsubscribe\?token=/);
    expect(n.content).to.include(link);
    await waitForStatus(t, admin, n._id, 'sent');
    const dir = t.config.mail.outboxDir;
    const files = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    const mail = files.find((m) => m.to === shopper.user.email && m.subject === 'Spring');
    expect(mail.headers).to.deep.equal({
      'List-Unsubscribe': `<${link}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });

    const path = link.slice('https://api.florals.test'.length);
    const page = await t.request({ method: 'GET', url: path });
    expect(page.statusCode, page.body).to.equal(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.body).to.include('<form method="post"');
    expect((await preferences(shopper.token)).newsletter).to.equal(true);

    // What a mail client sends (RFC 8058): a form body, no credentials.
    const oneClick = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode, oneClick.body).to.equal(200);
    expect(oneClick.json().data).to.deep.equal({ topic: 'newsletter', changed: true });
    const prefs = await preferences(shopper.token);
    expect(prefs).to.deep.include({ newsletter: false, emailNotifications: true });

    const repeats = await Promise.all(
      Array.from({ length: 5 }, () => t.request({ method: 'POST', url: `/api/api${path.slice(4)}` })),
    );
    expect(repeats.map((r) => r.statusCode)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(repeats.every((r) => r.json().data.changed === false)).to.equal(true);

    // The browser's button gets a page back.
    const browser = await t.request({ method: 'POST', url: path, headers: { accept: 'text/html' } });
    expect(browser.statusCode).to.equal(200);
    expect(browser.body).to.include('Unsubscribed');

    // The next marketing mail is recorded, not sent.
    const next = await newsletter(shopper.user._id);
    expect(next.json().data.notification).to.deep.include({ status: 'failed', lastError: 'opted-out' });
  });

  it('parallel first clicks: every answer is 200 and the preference ends off', async () => {
    const shopper = await registerUser(t);
    const link: string = (await newsletter(shopper.user._id)).json().data.notification.metadata
      .unsubscribeUrl;
    const path = link.slice('https://api.florals.test'.length);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.request({ method: 'POST', url: path })),
    );
    expect(answers.map((r) => r.statusCode)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    expect(answers.filter((r) => r.json().data.changed)).to.have.length(1);
    expect((await preferences(shopper.token)).newsletter).to.equal(false);
  });

  it('a tampered or malformed token answers 400 naming `token` and changes nothing', async () => {
    const shopper = await registerUser(t);
    const link: string = (await newsletter(shopper.user._id)).json().data.notification.metadata
      .unsubscribeUrl;
    const token = decodeURIComponent(new URL(link).searchParams.get('token')!);
    const other = await registerUser(t);
    const forged = token.replace(shopper.user._id, other.user._id);
    for (const bad of [
      forged,
      `${token.slice(0, -2)}xx`,
      'nope',
      token.replace('newsletter', 'smsNotifications'),
    ]) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await t.request({
          method,
          url: `/api/notifications/unsubscribe?token=${encodeURIComponent(bad)}`,
        });
        expect(res.statusCode, `${method} ${bad}`).to.equal(400);
        expect(res.json().errors[0].field).to.equal('token');
      }
    }
    const missing = await t.request({ method: 'POST', url: '/api/notifications/unsubscribe' });
    expect(missing.statusCode).to.equal(400);
    expect((await preferences(shopper.token)).newsletter).to.equal(true);
    expect((await preferences(other.token)).newsletter).to.equal(true);
  });
});
