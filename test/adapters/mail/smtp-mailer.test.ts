import { expect } from 'chai';
import sinon from 'sinon';
import { SmtpMailer } from '../../../adapters/mail/smtp-mailer.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { html, page } from '../../../application/shared/mail.js';
import { SmtpSink } from '../../support/mail/smtp-sink.js';

function logger(): AppLogger & { info: sinon.SinonSpy; warn: sinon.SinonSpy; error: sinon.SinonSpy } {
  return { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
}

describe('SmtpMailer (nodemailer) against a real SMTP server', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await new SmtpSink().start();
  });
  after(async () => sink.stop());
  beforeEach(() => {
    sink.refuse = false;
  });

  it('delivers from, to, subject and both the text and the html part', async () => {
    const log = logger();
    const mailer = new SmtpMailer({ url: sink.url, from: 'Amour Florals <shop@florals.test>' }, log);
    await mailer.send({
      to: 'asha@example.com',
      subject: 'Hello there',
      text: 'Plain body with ₹1,299.00',
      html: '<p>HTML body with &#8377;</p>',
    });
    const mail = await sink.waitFor((m) => m.subject === 'Hello there');
    expect(mail.envelopeFrom).to.equal('shop@florals.test');
    expect(mail.envelopeTo).to.deep.equal(['asha@example.com']);
    expect(mail.from).to.equal('Amour Florals <shop@florals.test>');
    expect(mail.to).to.equal('asha@example.com');
    expect(mail.partTypes).to.deep.equal(['text/plain', 'text/html']);
    expect(mail.text).to.equal('Plain body with ₹1,299.00');
    expect(mail.html).to.equal('<p>HTML body with &#8377;</p>');
    expect(
      log.info.calledWithMatch('mail sent over SMTP', { to: 'asha@example.com', subject: 'Hello there' }),
    ).to.be.true;
    // the body (it may carry a reset link) is never logged
    expect(JSON.stringify(log.info.args)).not.to.contain('Plain body');
    await mailer.close();
  });

  it('passes extra headers: List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: 'shop@florals.test' }, logger());
    const url = 'https://api.florals.test/api/notifications/unsubscribe?token=u1.newsletter.abc';
    await mailer.send({
      to: 'list@example.com',
      subject: 'Spring offers',
      text: 'Tulips',
      html: '<p>Tulips</p>',
      headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const mail = await sink.waitFor((m) => m.to === 'list@example.com');
    expect(mail.headers['list-unsubscribe']?.replace(/\s+/g, '')).to.equal(`<${url}>`);
    expect(mail.headers['list-unsubscribe-post']).to.equal('List-Unsubscribe=One-Click');
    await mailer.close();
  });

  it('a message arrives with every interpolated value escaped in the html part and intact in the text', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: 'shop@florals.test' }, logger());
    const evil = '<script>alert("x")</script> & Co';
    const link = 'https://shop.example/?a=1&b=2';
    await mailer.send({
      to: 'evil@example.com',
      subject: 'Welcome to Amour Florals',
      text: `Hello ${evil},\n\nYour account is ready: ${link}`,
      html: page(
        'Welcome',
        html`<p>Hello ${evil},</p>
          <p><a href="${link}">${link}</a></p>`,
      ),
    });
    const mail = await sink.waitFor((m) => m.to === 'evil@example.com');
    expect(mail.subject).to.equal('Welcome to Amour Florals');
    expect(mail.text).to.contain(`Hello ${evil},`);
    expect(mail.text).to.contain('https://shop.example/?a=1&b=2');
    expect(mail.html).not.to.contain('<script>');
    expect(mail.html).to.contain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Co');
    expect(mail.html).to.contain('href="https://shop.example/?a=1&#38;b=2"');
    await mailer.close();
  });

  it('sends a non-ASCII subject encoded and decodable', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: 'shop@florals.test' }, logger());
    await mailer.send({ to: 'priya@example.com', subject: 'Fleurs für dich ✿', text: 't', html: '<p>h</p>' });
    const mail = await sink.waitFor((m) => m.to === 'priya@example.com');
    expect(mail.subject).to.equal('Fleurs für dich ✿');
    await mailer.close();
  });

  it('rejects when the server refuses the message', async () => {
    sink.refuse = true;
    const mailer = new SmtpMailer({ url: sink.url, from: 'shop@florals.test' }, logger());
    const message = { to: 'x@example.com', subject: 'Order shipped', text: 't', html: '<p>h</p>' };
    let error: unknown;
    try {
      await mailer.send(message);
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/550|Mailbox unavailable/);
    await mailer.close();
  });

  it('rejects when no server listens', async () => {
    const mailer = new SmtpMailer(
      { url: 'smtp://127.0.0.1:1', from: 'shop@florals.test', connectionTimeoutMs: 2000 },
      logger(),
    );
    let error: unknown;
    try {
      await mailer.send({ to: 'a@example.com', subject: 's', text: 't', html: 'h' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
    await mailer.close();
  });
});
