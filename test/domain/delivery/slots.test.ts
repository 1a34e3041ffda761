import { expect } from 'chai';
import fc from 'fast-check';
import {
  addDays,
  isCalendarDate,
  localTime,
  parseSlotWindow,
  SLOT_ID_PATTERN,
  slotsAt,
  withCapacity,
  zonedInstant,
  type DeliveryCalendar,
} from '../../../domain/delivery/slots.js';

const WINDOWS = ['09:00-12:00', '12:00-15:00', '15:00-18:00', '18:00-21:00'].map((w) => parseSlotWindow(w)!);

function calendar(overrides: Partial<DeliveryCalendar> = {}): DeliveryCalendar {
  return {
    timeZone: 'Asia/Kolkata',
    slots: WINDOWS,
    capacityPerSlot: 5,
    sameDayCutoffMinute: 14 * 60,
    holidays: new Set(['2026-06-05']),
    daysAhead: 30,
    ...overrides,
  };
}
const reasons = (c: DeliveryCalendar, date: string, now: string) =>
  slotsAt(c, date, new Date(now)).map((s) => s.reason ?? 'open');

describe('domain/delivery: the slot calendar', () => {
  it('parses slot windows and calendar dates strictly', () => {
    expect(parseSlotWindow('09:00-12:00')).to.deep.equal({
      id: '09:00-12:00',
      startMinute: 540,
      endMinute: 720,
    });
    for (const bad of ['12:00-09:00', '9-12', '09:00-09:00', '25:00-26:00', '09:00-12:00-13:00']) {
      expect(parseSlotWindow(bad), bad).to.equal(null);
    }
    expect(isCalendarDate('2028-02-29')).to.equal(true);
    expect(isCalendarDate('2026-02-29')).to.equal(false);
    expect(isCalendarDate('2026-13-01')).to.equal(false);
  });

  it('one slot id format for checkout, reschedules and config: what parseSlotWindow reads, as written', () => {
    for (const ok of ['09:00-12:00', '18:00-24:00', '00:00-23:59']) {
      expect(SLOT_ID_PATTERN.test(ok), ok).to.equal(true);
      expect(parseSlotWindow(ok)?.id, ok).to.equal(ok);
    }
    for (const bad of ['9-12', '09:00-12:00 ', '25:00-26:00', '09:00-24:01', '09:60-10:00', '09:00']) {
      expect(SLOT_ID_PATTERN.test(bad), bad).to.equal(false);
    }
  });

  it("today is the shop's date, not UTC's: 23:00 UTC is already tomorrow in Kolkata", () => {
    // 2026-06-01T19:00Z is 00:30 on 2026-06-02 in Kolkata: 2026-06-02 is today, before the cut-off.
    expect(reasons(calendar(), '2026-06-02', '2026-06-01T19:00:00Z')).to.deep.equal([
      'open',
      'open',
      'open',
      'open',
    ]);
    expect(reasons(calendar(), '2026-06-01', '2026-06-01T19:00:00Z')).to.deep.equal([
      'past',
      'past',
      'past',
      'past',
    ]);
    // In UTC the same instant is still 2026-06-01, after a 14:00 cut-off.
    expect(reasons(calendar({ timeZone: 'UTC' }), '2026-06-01', '2026-06-01T19:00:00Z')).to.deep.equal([
      'cutoff',
      'cutoff',
      'cutoff',
      'cutoff',
    ]);
  });

  it('closes at the cut-off minute exactly, and a slot once it starts', () => {
    // 13:59 and 14:00 local (UTC+05:30).
    expect(reasons(calendar(), '2026-06-01', '2026-06-01T08:29:00Z')).to.deep.equal([
      'past',
      'past',
      'open',
      'open',
    ]);
    expect(reasons(calendar(), '2026-06-01', '2026-06-01T08:30:00Z')).to.deep.equal([
      'cutoff',
      'cutoff',
      'cutoff',
      'cutoff',
    ]);
    // 09:00 local: the first slot has started.
    expect(reasons(calendar(), '2026-06-01', '2026-06-01T03:30:00Z')[0]).to.equal('past');
    expect(reasons(calendar(), '2026-06-01', '2026-06-01T03:29:00Z')[0]).to.equal('open');
  });

  it('holidays and the booking window close whole dates; full is an open slot with nothing left', () => {
    expect(reasons(calendar(), '2026-06-05', '2026-06-01T03:00:00Z')).to.deep.equal(Array(4).fill('holiday'));
    expect(reasons(calendar(), '2026-07-01', '2026-06-01T03:00:00Z')[0]).to.equal('open');
    expect(reasons(calendar(), '2026-07-02', '2026-06-01T03:00:00Z')[0]).to.equal('too-far');
    const open = slotsAt(calendar(), '2026-06-02', new Date('2026-06-01T03:00:00Z'))[0]!;
    expect(withCapacity(open, 5, 5)).to.deep.include({ open: false, reason: 'full', remaining: 0 });
    expect(withCapacity(open, 4, 5)).to.deep.include({ open: true, remaining: 1 });
  });

  it('a slot end is a local time in the zone, across DST too', () => {
    expect(zonedInstant('2026-06-02', 18 * 60, 'Asia/Kolkata').toISOString()).to.equal(
      '2026-06-02T12:30:00.000Z',
    );
    // New York: EST (UTC-5) in January, EDT (UTC-4) in July.
    expect(zonedInstant('2026-01-15', 9 * 60, 'America/New_York').toISOString()).to.equal(
      '2026-01-15T14:00:00.000Z',
    );
    expect(zonedInstant('2026-07-15', 9 * 60, 'America/New_York').toISOString()).to.equal(
      '2026-07-15T13:00:00.000Z',
    );
  });

  it('property: a local time read back from its instant is itself (any zone of a few, any date)', () => {
    const zones = ['Asia/Kolkata', 'UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 4 * 60, max: 23 * 60 + 59 }),
        (zone, offset, minute) => {
          const date = addDays('2024-01-01', offset);
          const local = localTime(zonedInstant(date, minute, zone), zone);
          return local.date === date && local.minute === minute;
        },
      ),
    );
  });

  it('property: an open slot is never on a past date, a holiday, after the cut-off today, or already started', () => {
    const c = calendar();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * 24 * 60 }),
        fc.integer({ min: -3, max: 40 }),
        (minutes, dayOffset) => {
          const now = new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
          const today = localTime(now, c.timeZone);
          const date = addDays(today.date, dayOffset);
          return slotsAt(c, date, now).every(
            (s) =>
              !s.open ||
              (date >= today.date &&
                !c.holidays.has(date) &&
                date <= addDays(today.date, c.daysAhead) &&
                (date !== today.date ||
                  (today.minute < c.sameDayCutoffMinute && s.slot.startMinute > today.minute))),
          );
        },
      ),
    );
  });
});
