import { expect } from 'chai';
import { formatDate, formatRupees } from '../../../application/notifications/templates.js';
import { passwordResetMail, welcomeMail } from '../../../application/identity/mails.js';
import { escapeHtml } from '../../../application/shared/mail.js';

describe('notifications: mail templates', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).to.equal(
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
  });

  it('formats rupees from minor units with Indian grouping, and dates in UTC', () => {
    expect(formatRupees(0)).to.equal('₹0.00');
    expect(formatRupees(129900)).to.equal('₹1,299.00');
    expect(formatRupees(12345678)).to.equal('₹1,23,456.78');
    expect(formatDate(new Date('2026-06-03T23:30:00Z'))).to.equal('Wednesday, 3 June 2026');
  });

  it('welcome and reset mails keep their subjects; values escaped in html only', () => {
    const w = welcomeMail('a@x.com', 'A & B', 'https://shop.example');
    expect(w.subject).to.equal('Welcome to Amour Florals');
    expect(w.text).to.contain('Hello A & B,');
    expect(w.html).to.contain('Hello A &#38; B,');
    const r = passwordResetMail('a@x.com', 'A', 'https://shop.example/reset-password/abc?x=1&y=2', 60);
    expect(r.text).to.contain('https://shop.example/reset-password/abc?x=1&y=2');
    expect(r.text).to.contain('within 60 minutes');
    expect(r.html).to.contain('href="https://shop.example/reset-password/abc?x=1&#38;y=2"');
  });
});
