import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  isCalendarDate,
  isSameDay,
  slotKey,
  slotsAt,
  zonedInstant,
  type DeliveryCalendar,
} from '../../domain/delivery/slots.js';
import type { AppLogger } from '../shared/ports.js';
import type { SlotCapacityStore } from './ports.js';

/** The date and slot a checkout asks for. */
export interface DeliveryChoice {
  readonly date: string;
  readonly slot: string;
}

/** A choice checked against the calendar: open at the time of the check. */
export interface ChosenSlot {
  readonly date: string;
  readonly slot: string;
  readonly key: string;
  /** The date is the shop's today: same-day delivery. */
  readonly sameDay: boolean;
  /** When the slot ends: the order's estimated delivery. */
  readonly endsAt: Date;
}

/** `field` names the request field (`body.deliveryDate`), as the HTTP edge's 400s do. */
export function invalidField(field: string, message: string): DomainError {
  return domainError('VALIDATION_FAILED', `${field} ${message}`, { errors: [{ field, message }] });
}

/**
 * A placement's delivery slot: checked against the calendar (date, slot, cut-off, holidays),
 * booked in the SlotCapacityStore (atomic and bounded, so exactly the remaining places succeed
 * under a race), and given back when the order is not placed. Part of PlaceOrder, like the
 * promo redemption; a placement that dies after booking is settled by ReleaseAbandonedSlots.
 */
export class DeliverySlotBooking {
  constructor(
    private readonly store: SlotCapacityStore,
    private readonly calendar: DeliveryCalendar,
    private readonly logger: AppLogger,
  ) {}

  /** `dateField` names the date in a refusal (checkout: `body.deliveryDate`; a reschedule: `date`). */
  check(choice: DeliveryChoice, now: Date, dateField = 'body.deliveryDate'): Result<ChosenSlot, DomainError> {
    if (!isCalendarDate(choice.date)) {
      return Err(invalidField(dateField, 'must be a calendar date YYYY-MM-DD'));
    }
    const found = slotsAt(this.calendar, choice.date, now).find((s) => s.slot.id === choice.slot);
    if (!found) {
      return Err(
        domainError(
          'DELIVERY_SLOT_UNKNOWN',
          `No delivery slot ${choice.slot}; the slots are ${this.calendar.slots.map((s) => s.id).join(', ')}`,
          { slots: this.calendar.slots.map((s) => s.id) },
        ),
      );
    }
    if (!found.open) {
      return Err(
        domainError(
          'DELIVERY_SLOT_CLOSED',
          `The ${choice.slot} slot of ${choice.date} is closed (${found.reason})`,
          {
            reason: found.reason ?? 'past',
          },
        ),
      );
    }
    return Ok({
      date: choice.date,
      slot: found.slot.id,
      key: slotKey(choice.date, found.slot.id),
      sameDay: isSameDay(this.calendar, choice.date, now),
      endsAt: zonedInstant(choice.date, found.slot.endMinute, this.calendar.timeZone),
    });
  }

  /**
   * Books the slot for the order, then runs `place`. An order that `place` does not store gives
   * the slot back: at once on an expected failure; after a throw, unless the order was stored
   * (`stored` answers; when it cannot tell, the sweep settles it).
   */
  async bookAround<T>(
    chosen: ChosenSlot,
    orderId: string,
    at: Date,
    stored: () => Promise<boolean>,
    place: () => Promise<Result<T, DomainError>>,
  ): Promise<Result<T, DomainError>> {
    if (!(await this.store.book(chosen.key, orderId, this.calendar.capacityPerSlot, at))) {
      return Err(
        domainError('DELIVERY_SLOT_FULL', `The ${chosen.slot} slot of ${chosen.date} is fully booked`),
      );
    }
    try {
      const result = await place();
      if (result.isErr()) await this.release(orderId);
      return result;
    } catch (error) {
      let keep = true;
      try {
        keep = await stored();
      } catch {
        // unknown: the sweep settles it
      }
      if (!keep) await this.release(orderId);
      throw error;
    }
  }

  /**
   * A reschedule: takes a place in the chosen slot for an order that holds another one (or none),
   * then runs `move` (the order's write). When the order was stored holding the new slot the old
   * place goes back; when it was not, the new one does, so a failed write leaks nothing and the
   * order never holds nothing. After a throw `holds` answers whether the stored order holds the
   * new slot (when it cannot tell, the new place is kept: never over-booked, at worst one place
   * held until the order is cancelled). Full: DELIVERY_SLOT_FULL; another reschedule of the order
   * in flight: CONFLICT.
   */
  async moveAround<T>(
    chosen: ChosenSlot,
    orderId: string,
    at: Date,
    holds: () => Promise<boolean>,
    move: () => Promise<Result<T, DomainError>>,
  ): Promise<Result<T, DomainError>> {
    const held = await this.store.hold(chosen.key, orderId, this.calendar.capacityPerSlot, at);
    if (held === 'full') {
      return Err(
        domainError('DELIVERY_SLOT_FULL', `The ${chosen.slot} slot of ${chosen.date} is fully booked`),
      );
    }
    if (held === 'busy') {
      return Err(
        domainError('CONFLICT', 'Another reschedule of this order is in progress, please retry', {
          field: 'slot',
        }),
      );
    }
    let result: Result<T, DomainError>;
    try {
      result = await move();
    } catch (error) {
      let stored: boolean | null = null;
      try {
        stored = await holds();
      } catch {
        // unknown: keep both places rather than risk giving away the one the order holds
      }
      if (stored !== null) await this.settleMove(orderId, chosen.key, stored);
      throw error;
    }
    await this.settleMove(orderId, chosen.key, result.isOk());
    return result;
  }

  private async settleMove(orderId: string, key: string, stored: boolean): Promise<void> {
    try {
      if (stored) await this.store.commitMove(orderId, key);
      else await this.store.abortMove(orderId, key);
    } catch (error) {
      this.logger.warn('settling a delivery slot move failed', { orderId, key, error: String(error) });
    }
  }

  private async release(orderId: string): Promise<void> {
    try {
      await this.store.release(orderId);
    } catch (error) {
      this.logger.warn('releasing a delivery slot failed', { orderId, error: String(error) });
    }
  }
}
