import type { Container } from 'inversify';
import type { Config } from '../config.js';
import {
  DELIVERY_CALENDAR,
  PLACED_ORDERS,
  SLOT_CAPACITY_STORE,
  type PlacedOrders,
  type SlotCapacityStore,
} from '../../application/delivery/ports.js';
import { DeliverySlotBooking } from '../../application/delivery/slot-booking.js';
import { ListDeliverySlots, ReleaseAbandonedSlots } from '../../application/delivery/use-cases.js';
import { CUSTOMER_ORDER_HISTORY } from '../../application/promotions/ports.js';
import {
  APP_LOGGER,
  CLOCK,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type StartupTask,
} from '../../application/shared/ports.js';
import type { DeliveryCalendar } from '../../domain/delivery/slots.js';
import { bindUseCase } from './bind.js';
import { SweepSchedule } from './stock-reservations.js';

/** The abandoned-booking sweep on the stock reservation sweeper's schedule (STOCK_SWEEP_INTERVAL_MS). */
export class AbandonedSlotSchedule extends SweepSchedule {
  readonly name = 'release abandoned delivery slot bookings';

  constructor(
    private readonly sweeper: ReleaseAbandonedSlots,
    intervalMs: number,
    logger: AppLogger,
  ) {
    super(intervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    const { released } = await this.sweeper.execute();
    if (released > 0) this.logger.info('abandoned delivery slot bookings released', { released });
  }
}

/** The slot calendar (config), slot booking for placement, the slot list, the abandoned-booking sweep. */
export function bindDelivery(container: Container, config: Config): void {
  const c = config.delivery;
  container.bind<DeliveryCalendar>(DELIVERY_CALENDAR).toConstantValue({
    timeZone: c.timeZone,
    slots: [...c.slots],
    capacityPerSlot: c.capacityPerSlot,
    sameDayCutoffMinute: c.sameDayCutoffMinute,
    holidays: new Set(c.holidays),
    daysAhead: c.daysAhead,
  });
  // Whether an order is stored: the promotions' narrow view of the order store answers it.
  container.bind<PlacedOrders>(PLACED_ORDERS).toService(CUSTOMER_ORDER_HISTORY);
  bindUseCase(container, DeliverySlotBooking, [SLOT_CAPACITY_STORE, DELIVERY_CALENDAR, APP_LOGGER]);
  bindUseCase(container, ListDeliverySlots, [SLOT_CAPACITY_STORE, DELIVERY_CALENDAR, CLOCK]);
  // A placement lives at most as long as its stock reservation (as for promo redemptions).
  container
    .bind(ReleaseAbandonedSlots)
    .toResolvedValue(
      (store: SlotCapacityStore, orders: PlacedOrders, clock: Clock) =>
        new ReleaseAbandonedSlots(store, orders, clock, { abandonAfterMs: config.stockReservation.ttlMs }),
      [SLOT_CAPACITY_STORE, PLACED_ORDERS, CLOCK],
    )
    .inSingletonScope();
  container
    .bind(AbandonedSlotSchedule)
    .toResolvedValue(
      (sweeper: ReleaseAbandonedSlots, logger: AppLogger) =>
        new AbandonedSlotSchedule(sweeper, config.stockReservation.sweepIntervalMs, logger),
      [ReleaseAbandonedSlots, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
  container.bind<StartupTask>(STARTUP_TASK).toService(AbandonedSlotSchedule);
}
