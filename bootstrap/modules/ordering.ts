import type { Container } from 'inversify';
import type { Config } from '../config.js';
import { UnpaidOrderCap } from '../../application/ordering/unpaid-order-cap.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { PlaceOrder } from '../../application/ordering/place-order.js';
import { PROMO_CODE_REPOSITORY } from '../../application/promotions/ports.js';
import { PromoEvaluator } from '../../application/promotions/use-cases.js';
import { GetOrder, ListAllOrders, ListMyOrders } from '../../application/ordering/queries.js';
import { CancelOrder } from '../../application/ordering/cancel-order.js';
import { ChangeOrderStatus } from '../../application/ordering/change-order-status.js';
import { OrderAnalytics, SalesAnalytics } from '../../application/ordering/sales-analytics.js';
import { UpdateDelivery } from '../../application/ordering/update-delivery.js';
import { TrackOrder } from '../../application/ordering/tracking.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { APP_LOGGER, CLOCK, EVENT_BUS, ID_GENERATOR, RANDOM_SOURCE } from '../../application/shared/ports.js';
import { bindUseCase } from './bind.js';
import { DeliverySlotBooking } from '../../application/delivery/slot-booking.js';
import { IMAGE_STORE, MEDIA_SETTINGS } from '../../application/media/ports.js';
import { UploadDeliveryProof } from '../../application/ordering/delivery-proof.js';
import { bindStockReservations, SweepSchedule } from './stock-reservations.js';
import {
  ORDER_EXPIRY_POLICY,
  UNPAID_ORDER_SLOT_REPOSITORY,
  type OrderExpiryPolicy,
  type OrderRepository,
  type UnpaidOrderSlotRepository,
} from '../../application/ordering/ports.js';
import { ExpireUnpaidOrders } from '../../application/ordering/expire-unpaid-orders.js';
import { STOCK_RESERVATION_POLICY, type StockReservationPolicy } from '../../application/inventory/ports.js';
import { StockHold } from '../../application/inventory/stock-hold.js';
import {
  STARTUP_TASK,
  type AppLogger,
  type RandomSource,
  type StartupTask,
} from '../../application/shared/ports.js';

/** The unpaid-order expiry on its schedule (ORDER_EXPIRY_SWEEP_INTERVAL_MS), once at start too. */
export class OrderExpirySchedule extends SweepSchedule {
  readonly name = 'expire unpaid orders';

  constructor(
    private readonly expire: ExpireUnpaidOrders,
    policy: OrderExpiryPolicy,
    logger: AppLogger,
  ) {
    super(policy.sweepIntervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    const result = await this.expire.execute();
    if (result.isErr()) {
      this.logger.warn('unpaid order expiry failed', { code: result.error.code });
      return;
    }
    const { expired, skipped } = result.value;
    if (expired + skipped > 0) this.logger.info('unpaid orders expired', { expired, skipped });
  }
}

export function bindOrdering(container: Container, config: Config): void {
  // A slot whose placement died (no order) is stale once that placement's stock is back too.
  container
    .bind(UnpaidOrderCap)
    .toResolvedValue(
      (
        slots: UnpaidOrderSlotRepository,
        orders: OrderRepository,
        random: RandomSource,
        logger: AppLogger,
        expiry: OrderExpiryPolicy,
        reservations: StockReservationPolicy,
      ) => new UnpaidOrderCap(slots, orders, random, logger, expiry.maxUnpaidPerUser, reservations.ttlMs),
      [
        UNPAID_ORDER_SLOT_REPOSITORY,
        ORDER_REPOSITORY,
        RANDOM_SOURCE,
        APP_LOGGER,
        ORDER_EXPIRY_POLICY,
        STOCK_RESERVATION_POLICY,
      ],
    )
    .inSingletonScope();

  bindUseCase(container, PlaceOrder, [
    ORDER_REPOSITORY,
    PRODUCT_REPOSITORY,
    CART_REPOSITORY,
    CLOCK,
    ID_GENERATOR,
    RANDOM_SOURCE,
    EVENT_BUS,
    APP_LOGGER,
    StockHold,
    PROMO_CODE_REPOSITORY,
    PromoEvaluator,
    UnpaidOrderCap,
    DeliverySlotBooking,
  ]);
  bindUseCase(container, ListMyOrders, [ORDER_REPOSITORY, PRODUCT_REPOSITORY]);
  bindUseCase(container, GetOrder, [ORDER_REPOSITORY]);
  bindUseCase(container, ListAllOrders, [ORDER_REPOSITORY]);
  bindUseCase(container, CancelOrder, [ORDER_REPOSITORY, CLOCK, EVENT_BUS]);
  bindUseCase(container, ChangeOrderStatus, [ORDER_REPOSITORY, CLOCK, EVENT_BUS]);
  bindUseCase(container, SalesAnalytics, [ORDER_REPOSITORY, PRODUCT_REPOSITORY, USER_REPOSITORY]);
  bindUseCase(container, OrderAnalytics, [ORDER_REPOSITORY, CLOCK]);
  bindUseCase(container, UpdateDelivery, [
    ORDER_REPOSITORY,
    CLOCK,
    EVENT_BUS,
    DeliverySlotBooking,
    IMAGE_STORE,
  ]);
  bindUseCase(container, TrackOrder, [ORDER_REPOSITORY]);
  bindUseCase(container, UploadDeliveryProof, [ORDER_REPOSITORY, IMAGE_STORE, MEDIA_SETTINGS, APP_LOGGER]);
  bindStockReservations(container, config);

  container.bind<OrderExpiryPolicy>(ORDER_EXPIRY_POLICY).toConstantValue({ ...config.orderExpiry });
  bindUseCase(container, ExpireUnpaidOrders, [
    ORDER_REPOSITORY,
    CLOCK,
    EVENT_BUS,
    APP_LOGGER,
    ORDER_EXPIRY_POLICY,
  ]);
  container
    .bind(OrderExpirySchedule)
    .toResolvedValue(
      (expire: ExpireUnpaidOrders, policy: OrderExpiryPolicy, logger: AppLogger) =>
        new OrderExpirySchedule(expire, policy, logger),
      [ExpireUnpaidOrders, ORDER_EXPIRY_POLICY, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
}

/**
 * Starts the expiry schedule. Bound after every other module, so its first sweep at start runs
 * once the subscribers it publishes to (promo release, refunds, the expiry mail) have subscribed.
 */
export function startOrderExpiry(container: Container): void {
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue((schedule: OrderExpirySchedule) => schedule, [OrderExpirySchedule]);
}
