import type { Container } from 'inversify';
import type { Config } from '../config.js';
import {
  DELIVERY_CALENDAR,
  ORDER_SLOTS,
  PLACED_ORDERS,
  SLOT_CAPACITY_STORE,
  type OrderSlots,
  type PlacedOrders,
  type SlotCapacityStore,
} from '../../application/delivery/ports.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../application/ordering/ports.js';
import { DeliverySlotBooking } from '../../application/delivery/slot-booking.js';
import {
  ListDeliverySlots,
  ReleaseAbandonedSlots,
  SettleInterruptedMoves,
} from '../../application/delivery/use-cases.js';
import { CUSTOMER_ORDER_HISTORY } from '../../application/promotions/ports.js';
import {
  APP_LOGGER,
  CLOCK,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type StartupTask,
} from '../../application/shared/ports.js';
import { slotKey, type DeliveryCalendar } from '../../domain/delivery/slots.js';
import { bindUseCase } from './bind.js';
import { SweepSchedule } from './stock-reservations.js';

/** The abandoned-booking sweep on the stock reservation sweeper's schedule (STOCK_SWEEP_INTERVAL_MS). */
export class AbandonedSlotSchedule extends SweepSchedule {
  readonly name = 'release abandoned delivery slot bookings';

  constructor(
    private readonly sweeper: ReleaseAbandonedSlots,
    private readonly moves: SettleInterruptedMoves,
    intervalMs: number,
    logger: AppLogger,
  ) {
    super(intervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    const { released } = await this.sweeper.execute();
    if (released > 0) this.logger.info('abandoned delivery slot bookings released', { released });
    const settled = await this.moves.execute();
    if (settled.committed + settled.aborted > 0) {
      this.logger.info('interrupted delivery slot moves settled', { ...settled });
    }
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
  // The slot a stored order holds: its `delivery` (the one record of it), read from the order store.
  container.bind<OrderSlots>(ORDER_SLOTS).toResolvedValue(
    (orders: OrderRepository): OrderSlots => ({
      heldSlotOf: async (orderId) => {
        const order = await orders.findById(orderId);
        return order?.delivery ? slotKey(order.delivery.date, order.delivery.slot) : null;
      },
    }),
    [ORDER_REPOSITORY],
  );
  container
    .bind(SettleInterruptedMoves)
    .toResolvedValue(
      (store: SlotCapacityStore, orders: OrderSlots, clock: Clock) =>
        new SettleInterruptedMoves(store, orders, clock, { abandonAfterMs: config.stockReservation.ttlMs }),
      [SLOT_CAPACITY_STORE, ORDER_SLOTS, CLOCK],
    )
    .inSingletonScope();
  container
    .bind(AbandonedSlotSchedule)
    .toResolvedValue(
      (sweeper: ReleaseAbandonedSlots, moves: SettleInterruptedMoves, logger: AppLogger) =>
        new AbandonedSlotSchedule(sweeper, moves, config.stockReservation.sweepIntervalMs, logger),
      [ReleaseAbandonedSlots, SettleInterruptedMoves, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
  container.bind<StartupTask>(STARTUP_TASK).toService(AbandonedSlotSchedule);
}
