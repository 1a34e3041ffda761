import { expect } from 'chai';
import { formatDate, formatRupees } from '../../../application/notifications/templates.js';
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
    // Remembered answers: by UTC day, and still right once the memory has been emptied.
    expect(formatDate(new Date('2026-06-03T00:00:00Z'))).to.equal('Wednesday, 3 June 2026');
    expect(formatDate(new Date('2026-06-04T00:00:00Z'))).to.equal('Thursday, 4 June 2026');
    expect(formatDate(new Date('1969-12-31T23:59:59Z'))).to.equal('Wednesday, 31 December 1969');
    const rupees = new Intl.NumberFormat('en-IN', {
      style: 'currency',
      currency: 'INR',
      minimumFractionDigits: 2,
    });
    for (let round = 0; round < 2; round++) {
      for (let amount = 0; amount < 1200; amount += 1) {
        expect(formatRupees(amount * 7)).to.equal(rupees.format((amount * 7) / 100));
      }
    }
  });
});
