/**
 * The delivery slot calendar: which slots of a date can still be booked at an instant, in the
 * shop's timezone. Pure: the instant is passed in; the timezone arithmetic uses the built-in
 * `Intl` data only.
 */

/** A slot of every delivery day, `HH:MM-HH:MM` local time; its text is its id. */
export interface SlotWindow {
  readonly id: string;
  /** Minutes after local midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface DeliveryCalendar {
  /** An IANA zone, e.g. `Asia/Kolkata`. */
  readonly timeZone: string;
  readonly slots: readonly SlotWindow[];
  /** Orders one slot of one date takes (the whole shop: capacity is not per city). */
  readonly capacityPerSlot: number;
  /** Minutes after local midnight after which no same-day slot is sold. */
  readonly sameDayCutoffMinute: number;
  /** Closed dates, `YYYY-MM-DD`. */
  readonly holidays: ReadonlySet<string>;
  /** How many days after today the last bookable date is (0: today only). */
  readonly daysAhead: number;
}

/** Why a slot cannot be booked. */
export type SlotClosure = 'past' | 'holiday' | 'too-far' | 'cutoff' | 'full';

export interface SlotAvailability {
  readonly slot: SlotWindow;
  readonly open: boolean;
  readonly reason?: SlotClosure;
}

/** A slot's id as written: `HH:MM-HH:MM` (the end may be 24:00). The one format rule for slot ids. */
export const SLOT_ID_PATTERN = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** A delivery date as written: `YYYY-MM-DD` (isCalendarDate says whether the day exists). */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `HH:MM` as minutes after midnight, or null. */
export function parseClock(text: string): number | null {
  const m = HHMM.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** One `HH:MM-HH:MM` window (end after start), or null. */
export function parseSlotWindow(text: string): SlotWindow | null {
  const [from, to, ...rest] = text.trim().split('-');
  if (from === undefined || to === undefined || rest.length > 0) return null;
  const start = parseClock(from);
  const end = to.trim() === '24:00' ? 24 * 60 : parseClock(to);
  if (start === null || end === null || end <= start) return null;
  return { id: `${from.trim()}-${to.trim()}`, startMinute: start, endMinute: end };
}

/** A real calendar date written `YYYY-MM-DD`: the one home of this rule (checkout, slots, reschedules, config). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Whether `timeZone` is an IANA zone the runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date (`YYYY-MM-DD`) and minute of the day of `instant` in `timeZone`. */
export function localTime(instant: Date, timeZone: string): { date: string; minute: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant at local `date` + `minute` in `timeZone` (the later one in a DST overlap). */
export function zonedInstant(date: string, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  // The zone's offset at an instant: its local wall time read as UTC, minus the instant.
  const offsetAt = (t: number) => {
    const local = localTime(new Date(t), timeZone);
    const [ly, lm, ld] = local.date.split('-').map(Number) as [number, number, number];
    return Date.UTC(ly, lm - 1, ld, 0, local.minute) - Math.floor(t / 60_000) * 60_000;
  };
  let t = wall - offsetAt(wall);
  t = wall - offsetAt(t);
  return new Date(t);
}

/** Whether `date` is the shop's today at `now`. */
export function isSameDay(calendar: DeliveryCalendar, date: string, now: Date): boolean {
  return localTime(now, calendar.timeZone).date === date;
}

/**
 * Which slots of `date` can be booked at `now`, before capacity (see `withCapacity`). A date
 * before today is past; a holiday is closed; a date beyond `daysAhead` is too far; today, after
 * the cut-off every slot is closed, and before it a slot that has started is past.
 */
export function slotsAt(calendar: DeliveryCalendar, date: string, now: Date): SlotAvailability[] {
  const today = localTime(now, calendar.timeZone);
  const dayClosure = ((): SlotClosure | null => {
    if (date < today.date) return 'past';
    if (calendar.holidays.has(date)) return 'holiday';
    if (date > addDays(today.date, calendar.daysAhead)) return 'too-far';
    if (date === today.date && today.minute >= calendar.sameDayCutoffMinute) return 'cutoff';
    return null;
  })();
  return calendar.slots.map((slot) => {
    const reason: SlotClosure | null =
      dayClosure ?? (date === today.date && slot.startMinute <= today.minute ? 'past' : null);
    return reason === null ? { slot, open: true } : { slot, open: false, reason };
  });
}

/** The slot as booked: `taken` of `capacity`; an open slot with nothing left is full. */
export function withCapacity(
  availability: SlotAvailability,
  taken: number,
  capacity: number,
): SlotAvailability & { remaining: number } {
  const remaining = Math.max(0, capacity - taken);
  if (availability.open && remaining === 0) {
    return { slot: availability.slot, open: false, reason: 'full', remaining };
  }
  return { ...availability, remaining };
}

/** The key of one slot of one date (capacity is counted per key). */
export function slotKey(date: string, slotId: string): string {
  return `${date}|${slotId}`;
}
