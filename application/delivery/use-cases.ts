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
import type { OrderSlots, PlacedOrders, SlotCapacityStore } from './ports.js';
import { sweepAbandonedHolds, type AbandonedHoldsPolicy } from '../shared/abandoned-holds.js';
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

/**
 * A placement books its slot before it stores the order; the booking of a placement whose process
 * died in between is released by this sweep (application/shared/abandoned-holds.ts), once per
 * order, like the stock reservations and the promo redemptions.
 */
export class ReleaseAbandonedSlots {
  constructor(
    private readonly store: SlotCapacityStore,
    private readonly orders: PlacedOrders,
    private readonly clock: Clock,
    private readonly policy: AbandonedHoldsPolicy,
  ) {}

  execute(): Promise<{ released: number; confirmed: number }> {
    return sweepAbandonedHolds(
      {
        unconfirmed: (cutoff, limit) => this.store.unconfirmed(cutoff, limit),
        hasOrder: (orderId) => this.orders.hasOrder(orderId),
        confirm: (b) => this.store.confirm(b.orderId),
        release: (b) => this.store.release(b.orderId),
        key: (b) => b.orderId,
      },
      this.clock.now(),
      this.policy,
    );
  }
}

const BATCH = 100;

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
    private readonly policy: AbandonedHoldsPolicy,
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
