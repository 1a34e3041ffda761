import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import {
  isCalendarDate,
  isSameDay,
  slotKey,
  slotsAt,
  withCapacity,
  type DeliveryCalendar,
  type SlotClosure,
} from '../../domain/delivery/slots.js';
import type { Clock } from '../shared/ports.js';
import type { AbandonedSlotPolicy, OrderSlots, PlacedOrders, SlotCapacityStore } from './ports.js';
import { invalidField } from './slot-booking.js';

export interface SlotView {
  readonly id: string;
  readonly start: string;
  readonly end: string;
  readonly capacity: number;
  readonly remaining: number;
  readonly open: boolean;
  readonly reason?: SlotClosure;
}

export interface DateSlots {
  readonly date: string;
  readonly city: string;
  readonly timeZone: string;
  readonly sameDay: boolean;
  readonly slots: readonly SlotView[];
}

/** The slots of a date with what is left of each, open or closed and why. Any city: capacity is the shop's. */
export class ListDeliverySlots {
  constructor(
    private readonly store: SlotCapacityStore,
    private readonly calendar: DeliveryCalendar,
    private readonly clock: Clock,
  ) {}

  async execute(input: { date: string; city: string }): Promise<Result<DateSlots, DomainError>> {
    if (!isCalendarDate(input.date)) {
      return Err(invalidField('querystring.date', 'must be a calendar date YYYY-MM-DD'));
    }
    const city = input.city.trim();
    if (city === '') return Err(invalidField('querystring.city', 'must not be blank'));
    const now = this.clock.now();
    const capacity = this.calendar.capacityPerSlot;
    const slots = slotsAt(this.calendar, input.date, now);
    const taken = await this.store.taken(slots.map((s) => slotKey(input.date, s.slot.id)));
    return Ok({
      date: input.date,
      city,
      timeZone: this.calendar.timeZone,
      sameDay: isSameDay(this.calendar, input.date, now),
      slots: slots.map((s) => {
        const a = withCapacity(s, taken.get(slotKey(input.date, s.slot.id)) ?? 0, capacity);
        const [start, end] = s.slot.id.split('-') as [string, string];
        return {
          id: s.slot.id,
          start,
          end,
          capacity,
          remaining: a.remaining,
          open: a.open,
          ...(a.reason !== undefined ? { reason: a.reason } : {}),
        };
      }),
    });
  }
}

const BATCH = 100;

/**
 * A placement books its slot before it stores the order. When its process dies in between, no
 * order and no event ever says the slot should come back: like the stock reservations and promo
 * redemptions, a booking older than a placement can take whose order is not stored is released
 * (once: release is per order); one whose order is stored is confirmed and never looked at again.
 */
export class ReleaseAbandonedSlots {
  constructor(
    private readonly store: SlotCapacityStore,
    private readonly orders: PlacedOrders,
    private readonly clock: Clock,
    private readonly policy: AbandonedSlotPolicy,
  ) {}

  async execute(): Promise<{ released: number; confirmed: number }> {
    const cutoff = new Date(this.clock.now().getTime() - this.policy.abandonAfterMs);
    let released = 0;
    let confirmed = 0;
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.store.unconfirmed(cutoff, BATCH)).filter((b) => !seen.has(b.orderId));
      if (batch.length === 0) break;
      for (const b of batch) {
        seen.add(b.orderId);
        if (await this.orders.hasOrder(b.orderId)) {
          await this.store.confirm(b.orderId);
          confirmed += 1;
        } else if (await this.store.release(b.orderId)) {
          released += 1;
        }
      }
    }
    return { released, confirmed };
  }
}

/**
 * A reschedule holds its new place, saves the order, then settles the move. When its process dies
 * in between, the move stays in flight: the order would hold two places and no further reschedule
 * could start. A move older than `abandonAfterMs` is settled by what the stored order says: it
 * holds the new slot (the save landed) - the old place goes back; it does not - the new one does.
 */
export class SettleInterruptedMoves {
  constructor(
    private readonly store: SlotCapacityStore,
    private readonly orders: OrderSlots,
    private readonly clock: Clock,
    private readonly policy: AbandonedSlotPolicy,
  ) {}

  async execute(): Promise<{ committed: number; aborted: number }> {
    const cutoff = new Date(this.clock.now().getTime() - this.policy.abandonAfterMs);
    let committed = 0;
    let aborted = 0;
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.store.staleMoves(cutoff, BATCH)).filter((m) => !seen.has(m.orderId));
      if (batch.length === 0) break;
      for (const m of batch) {
        seen.add(m.orderId);
        if ((await this.orders.heldSlotOf(m.orderId)) === m.to) {
          await this.store.commitMove(m.orderId, m.to);
          committed += 1;
        } else {
          await this.store.abortMove(m.orderId, m.to);
          aborted += 1;
        }
      }
    }
    return { committed, aborted };
  }
}
