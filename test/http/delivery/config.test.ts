import { expect } from 'chai';
import { ConfigError } from '../../../bootstrap/config.js';
import { testConfig } from '../../support/harness.js';

describe('config: the delivery calendar', () => {
  it('defaults to Asia/Kolkata, four 3-hour slots, a 14:00 cut-off, no holidays', () => {
    const d = testConfig().delivery;
    expect(d.timeZone).to.equal('Asia/Kolkata');
    expect(d.slots.map((s) => s.id)).to.deep.equal([
      '09:00-12:00',
      '12:00-15:00',
      '15:00-18:00',
      '18:00-21:00',
    ]);
    expect(d.sameDayCutoffMinute).to.equal(14 * 60);
    expect(d.holidays).to.deep.equal([]);
  });

  it('reads the variables, and a malformed one stops start-up naming it', () => {
    const d = testConfig({
      SHOP_TIMEZONE: 'Europe/Paris',
      DELIVERY_SLOTS: '10:00-13:00, 14:00-18:00',
      SAME_DAY_CUTOFF: '11:30',
      DELIVERY_HOLIDAYS: '2026-12-25, 2027-01-01',
      DELIVERY_SLOT_CAPACITY: '3',
      DELIVERY_DAYS_AHEAD: '7',
    }).delivery;
    expect(d).to.deep.include({
      timeZone: 'Europe/Paris',
      sameDayCutoffMinute: 690,
      capacityPerSlot: 3,
      daysAhead: 7,
    });
    expect(d.holidays).to.deep.equal(['2026-12-25', '2027-01-01']);
    expect(d.slots.map((s) => s.id)).to.deep.equal(['10:00-13:00', '14:00-18:00']);
    for (const [name, value] of [
      ['SHOP_TIMEZONE', 'Mars/Olympus'],
      ['DELIVERY_SLOTS', '09:00-12:00,09:00-12:00'],
      ['DELIVERY_SLOTS', '12:00-09:00'],
      ['SAME_DAY_CUTOFF', '2pm'],
      ['DELIVERY_HOLIDAYS', '2026-02-30'],
      ['DELIVERY_SLOT_CAPACITY', '0'],
    ] as const) {
      expect(() => testConfig({ [name]: value }), `${name}=${value}`)
        .to.throw(ConfigError)
        .with.property('message')
        .that.includes(name);
    }
  });
});
