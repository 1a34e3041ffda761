/* eslint-disable @typescript-eslint/no-explicit-any -- handler classes of any constructor arity */
import type { Container } from 'inversify';
import type { Redis } from 'ioredis';
import type { EventOf, EventType } from '../../domain/events.js';
import { CATALOG_EVENT_TYPES } from '../../domain/catalog/events.js';
import {
  EVENT_DISPATCH_POLICY,
  EVENT_FANOUT,
  HANDLED_EVENT_STORE,
  STAGED_EVENT_OUTBOX,
  type EventDispatchPolicy,
  type EventFanout,
  type EventOutbox,
  type HandledEventStore,
  type StagedEventOutbox,
} from '../../application/shared/event-ports.js';
import { EventDispatcher } from '../../application/shared/event-dispatcher.js';
import { DispatchPendingEvents } from '../../application/shared/dispatch-pending-events.js';
import { ForgetHandledEvents } from '../../application/shared/forget-handled-events.js';
import {
  APP_LOGGER,
  CACHE,
  CLOCK,
  EVENT_BUS,
  ID_GENERATOR,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type EventHandler,
  type StartupTask,
} from '../../application/shared/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { CartStore } from '../../application/cart/cart-store.js';
import { CurrentCart } from '../../application/cart/use-cases.js';
import { REALTIME_HUB } from '../../application/realtime/ports.js';
import {
  PublishCartWhenCartChanged,
  PublishDeliveryWhenDeliveryUpdated,
  PublishOrderStatusWhenOrderStatusChanged,
  PublishPaymentWhenOrderPaymentChanged,
  PublishStockWhenOrderPlaced,
  PublishStockWhenProductChanged,
} from '../../application/realtime/handlers.js';
import { PROMO_CODE_REPOSITORY } from '../../application/promotions/ports.js';
import { STOCK_LEDGER, STOCK_STORE } from '../../application/inventory/ports.js';
import { USER_REPOSITORY } from '../../application/identity/ports.js';
import { LOYALTY_LEDGER } from '../../application/loyalty/ports.js';
import { LoyaltyAccount } from '../../application/loyalty/account.js';
import {
  AwardPointsWhenOrderDelivered,
  TakeBackPointsWhenOrderRefunded,
} from '../../application/loyalty/handlers.js';
import {
  InvalidateCatalogCacheWhenCatalogChanged,
  RecordSaleWhenOrderPlaced,
} from '../../application/catalog/handlers.js';
import { EmptyCartWhenOrderPlaced } from '../../application/cart/handlers.js';
import {
  IndexProductsWhenCatalogChanged,
  IndexProductsWhenOrderPlaced,
} from '../../application/search/handlers.js';
import { ReleaseStockWhenOrderCancelled } from '../../application/inventory/handlers.js';
import {
  CountAbandonedWhenOrderExpired,
  CountFailureWhenPaymentFailed,
  CountOrderWhenOrderPlaced,
  CountRevenueWhenOrderPaid,
} from '../../application/ordering/metric-handlers.js';
import { METRICS, NoMetrics, type Metrics } from '../../application/shared/metrics.js';
import { ReleasePromoWhenOrderCancelled } from '../../application/promotions/handlers.js';
import { ReleaseSlotWhenOrderCancelled } from '../../application/delivery/handlers.js';
import { SLOT_CAPACITY_STORE } from '../../application/delivery/ports.js';
import { RefundPaymentWhenPaidOrderCancelled } from '../../application/payments/handlers.js';
import { PaymentSettlement } from '../../application/payments/settlement.js';
import {
  NotifyWhenDeliveryUpdated,
  NotifyWhenOrderExpired,
  NotifyWhenOrderPlaced,
  NotifyWhenOrderRefunded,
  NotifyWhenOrderStatusChanged,
  NotifyWhenPaymentFailed,
} from '../../application/notifications/order-notifications.js';
import { SendNotification } from '../../application/notifications/send-notification.js';
import {
  SendResetLinkWhenPasswordResetRequested,
  SendWelcomeWhenUserRegistered,
} from '../../application/notifications/account-notifications.js';
import { IssuePasswordReset } from '../../application/identity/reset-links.js';
import { PUSH_SUBSCRIPTION_STORE } from '../../application/notifications/channels.js';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../adapters/cache/redis-tokens.js';
import { RedisEventFanout } from '../../adapters/cache/redis-event-fanout.js';
import { LocalEventFanout } from '../../adapters/system/local-event-fanout.js';
import type { Config } from '../config.js';
import { bindUseCase } from './bind.js';
import { RetentionSchedule, SweepSchedule } from './stock-reservations.js';

type HandlerClass<T extends EventType> = new (...args: any[]) => EventHandler<EventOf<T>>;
type Reactions = { readonly [T in EventType]?: readonly HandlerClass<T>[] };

/**
 * What happens when: every reaction to every event, in one place. The handlers live in their
 * own contexts (application/<context>/handlers.ts, notifications/order-notifications.ts) and are named
 * for what they do and why; docs/architecture.md's events table lists the same (a test keeps
 * them together).
 */
export const REACTIONS: Reactions = {
  'ordering.order-placed': [
    RecordSaleWhenOrderPlaced,
    EmptyCartWhenOrderPlaced,
    NotifyWhenOrderPlaced,
    PublishStockWhenOrderPlaced,
    IndexProductsWhenOrderPlaced,
    CountOrderWhenOrderPlaced,
  ],
  'ordering.order-cancelled': [
    ReleaseStockWhenOrderCancelled,
    ReleasePromoWhenOrderCancelled,
    ReleaseSlotWhenOrderCancelled,
    RefundPaymentWhenPaidOrderCancelled,
  ],
  'ordering.order-status-changed': [
    NotifyWhenOrderStatusChanged,
    AwardPointsWhenOrderDelivered,
    PublishOrderStatusWhenOrderStatusChanged,
  ],
  'ordering.order-expired': [NotifyWhenOrderExpired, CountAbandonedWhenOrderExpired],
  'ordering.order-paid': [PublishPaymentWhenOrderPaymentChanged, CountRevenueWhenOrderPaid],
  'ordering.order-payment-failed': [
    NotifyWhenPaymentFailed,
    PublishPaymentWhenOrderPaymentChanged,
    CountFailureWhenPaymentFailed,
  ],
  'ordering.order-refunded': [
    TakeBackPointsWhenOrderRefunded,
    NotifyWhenOrderRefunded,
    PublishPaymentWhenOrderPaymentChanged,
  ],
  'ordering.delivery-updated': [NotifyWhenDeliveryUpdated, PublishDeliveryWhenDeliveryUpdated],
  'identity.user-registered': [SendWelcomeWhenUserRegistered],
  'identity.password-reset-requested': [SendResetLinkWhenPasswordResetRequested],
  ...Object.fromEntries(
    CATALOG_EVENT_TYPES.map((type) => [
      type,
      [InvalidateCatalogCacheWhenCatalogChanged, IndexProductsWhenCatalogChanged],
    ]),
  ),
  // The realtime stock channel: the catalog notices that may change a product's stock or availability.
  'catalog.stock-changed': [
    InvalidateCatalogCacheWhenCatalogChanged,
    IndexProductsWhenCatalogChanged,
    PublishStockWhenProductChanged,
  ],
  'catalog.product-updated': [
    InvalidateCatalogCacheWhenCatalogChanged,
    IndexProductsWhenCatalogChanged,
    PublishStockWhenProductChanged,
  ],
  'catalog.product-deleted': [
    InvalidateCatalogCacheWhenCatalogChanged,
    IndexProductsWhenCatalogChanged,
    PublishStockWhenProductChanged,
  ],
  'cart.cart-changed': [PublishCartWhenCartChanged],
};

/**
 * The reactions that only feed the Metrics port. With metrics off (NoMetrics: no METRICS_TOKEN nor
 * METRICS_ALLOW_IPS) they are not subscribed: each would cost every event a handled-event claim
 * and its completion (a store write each; two round trips on MongoDB) to count nothing.
 */
export const METRIC_REACTIONS: ReadonlySet<object> = new Set<object>([
  CountOrderWhenOrderPlaced,
  CountRevenueWhenOrderPaid,
  CountFailureWhenPaymentFailed,
  CountAbandonedWhenOrderExpired,
]);

/** The outbox sweeper on its schedule (EVENT_SWEEP_INTERVAL_MS), once at start too. */
export class EventOutboxSchedule extends SweepSchedule {
  readonly name = 'deliver pending events';

  constructor(
    private readonly dispatch: DispatchPendingEvents,
    intervalMs: number,
    logger: AppLogger,
  ) {
    super(intervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    await this.dispatch.execute();
  }
}

/** Forgets completed handled-event pairs older than EVENT_HANDLED_RETENTION_MS, hourly (and at start). */
export class HandledEventsRetention extends RetentionSchedule {
  readonly name = 'forget handled events';
}

/**
 * The event backbone: the dispatcher (EVENT_BUS) over the outboxes (the order store, and the
 * staged outbox of the catalog's notices), the fleet's handled-event record (memory or Mongo),
 * the fan-out to other instances (Redis when REDIS_URL is set), and the sweeper.
 */
export function bindEvents(container: Container, config: Config): void {
  container.bind<EventDispatchPolicy>(EVENT_DISPATCH_POLICY).toConstantValue({
    claimLeaseMs: Math.max(300_000, 2 * config.events.redeliverAfterMs),
    redeliverAfterMs: config.events.redeliverAfterMs,
  });
  container
    .bind<EventFanout>(EVENT_FANOUT)
    .toResolvedValue(
      (logger: AppLogger, redis: Redis | undefined, prefix: string | undefined): EventFanout =>
        redis ? new RedisEventFanout(redis, `${prefix ?? 'af:'}events`, logger) : new LocalEventFanout(),
      [
        APP_LOGGER,
        { serviceIdentifier: REDIS_CLIENT, optional: true },
        { serviceIdentifier: REDIS_KEY_PREFIX, optional: true },
      ],
    )
    .inSingletonScope()
    .onDeactivation((fanout) => {
      if (fanout instanceof RedisEventFanout) fanout.close();
    });
  container
    .bind(EventDispatcher)
    .toResolvedValue(
      (
        orders: EventOutbox,
        staged: StagedEventOutbox,
        handled: HandledEventStore,
        fanout: EventFanout,
        clock: Clock,
        policy: EventDispatchPolicy,
        logger: AppLogger,
      ) => new EventDispatcher([orders, staged], staged, handled, fanout, clock, policy, logger),
      [
        ORDER_REPOSITORY,
        STAGED_EVENT_OUTBOX,
        HANDLED_EVENT_STORE,
        EVENT_FANOUT,
        CLOCK,
        EVENT_DISPATCH_POLICY,
        APP_LOGGER,
      ],
    )
    .inSingletonScope()
    .onDeactivation((dispatcher) => dispatcher.drain());
  container.bind(EVENT_BUS).toService(EventDispatcher);

  // Each handler with its dependencies (typed: a wrong or missing one fails tsc).
  const notify = [
    ORDER_REPOSITORY,
    USER_REPOSITORY,
    PUSH_SUBSCRIPTION_STORE,
    SendNotification,
    APP_LOGGER,
  ] as const;
  bindUseCase(container, RecordSaleWhenOrderPlaced, [PRODUCT_REPOSITORY]);
  bindUseCase(container, EmptyCartWhenOrderPlaced, [CartStore]);
  bindUseCase(container, NotifyWhenOrderPlaced, notify);
  bindUseCase(container, NotifyWhenOrderStatusChanged, notify);
  bindUseCase(container, NotifyWhenOrderExpired, notify);
  bindUseCase(container, NotifyWhenPaymentFailed, notify);
  bindUseCase(container, NotifyWhenOrderRefunded, notify);
  bindUseCase(container, NotifyWhenDeliveryUpdated, notify);
  bindUseCase(container, SendWelcomeWhenUserRegistered, [USER_REPOSITORY, SendNotification, APP_LOGGER]);
  bindUseCase(container, SendResetLinkWhenPasswordResetRequested, [
    IssuePasswordReset,
    SendNotification,
    APP_LOGGER,
  ]);
  bindUseCase(container, ReleaseStockWhenOrderCancelled, [
    STOCK_STORE,
    STOCK_LEDGER,
    PRODUCT_REPOSITORY,
    EVENT_BUS,
    CLOCK,
    ID_GENERATOR,
  ]);
  bindUseCase(container, ReleasePromoWhenOrderCancelled, [PROMO_CODE_REPOSITORY]);
  bindUseCase(container, ReleaseSlotWhenOrderCancelled, [SLOT_CAPACITY_STORE]);
  bindUseCase(container, RefundPaymentWhenPaidOrderCancelled, [ORDER_REPOSITORY, PaymentSettlement]);
  bindUseCase(container, InvalidateCatalogCacheWhenCatalogChanged, [CACHE]);
  // Business metrics (README "Health and metrics").
  bindUseCase(container, CountOrderWhenOrderPlaced, [METRICS]);
  bindUseCase(container, CountRevenueWhenOrderPaid, [METRICS]);
  bindUseCase(container, CountFailureWhenPaymentFailed, [ORDER_REPOSITORY, METRICS]);
  bindUseCase(container, CountAbandonedWhenOrderExpired, [METRICS]);
  bindUseCase(container, AwardPointsWhenOrderDelivered, [ORDER_REPOSITORY, LoyaltyAccount]);
  bindUseCase(container, TakeBackPointsWhenOrderRefunded, [ORDER_REPOSITORY, LOYALTY_LEDGER, LoyaltyAccount]);
  // The realtime channels' feed (the hub: bootstrap/modules/realtime.ts).
  bindUseCase(container, PublishOrderStatusWhenOrderStatusChanged, [REALTIME_HUB]);
  bindUseCase(container, PublishDeliveryWhenDeliveryUpdated, [REALTIME_HUB]);
  bindUseCase(container, PublishPaymentWhenOrderPaymentChanged, [REALTIME_HUB, ORDER_REPOSITORY]);
  bindUseCase(container, PublishStockWhenProductChanged, [REALTIME_HUB, PRODUCT_REPOSITORY]);
  bindUseCase(container, PublishStockWhenOrderPlaced, [REALTIME_HUB, PRODUCT_REPOSITORY]);
  bindUseCase(container, PublishCartWhenCartChanged, [REALTIME_HUB, CurrentCart]);
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue(
      (bus: EventDispatcher): StartupTask => ({
        name: 'events: subscribe handlers',
        run: async () => subscribeHandlers(container, bus),
      }),
      [EventDispatcher],
    )
    .inSingletonScope();

  container
    .bind(DispatchPendingEvents)
    .toResolvedValue(
      (
        orders: EventOutbox,
        staged: StagedEventOutbox,
        bus: EventDispatcher,
        clock: Clock,
        policy: EventDispatchPolicy,
        logger: AppLogger,
      ) => new DispatchPendingEvents([orders, staged], bus, clock, policy, logger),
      [ORDER_REPOSITORY, STAGED_EVENT_OUTBOX, EventDispatcher, CLOCK, EVENT_DISPATCH_POLICY, APP_LOGGER],
    )
    .inSingletonScope();
  container
    .bind(EventOutboxSchedule)
    .toResolvedValue(
      (dispatch: DispatchPendingEvents, logger: AppLogger) =>
        new EventOutboxSchedule(dispatch, config.events.sweepIntervalMs, logger),
      [DispatchPendingEvents, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
  container
    .bind(ForgetHandledEvents)
    .toResolvedValue(
      (handled: HandledEventStore, clock: Clock, logger: AppLogger) =>
        new ForgetHandledEvents(handled, clock, config.events.handledRetentionMs, logger),
      [HANDLED_EVENT_STORE, CLOCK, APP_LOGGER],
    )
    .inSingletonScope();
  container
    .bind(HandledEventsRetention)
    .toResolvedValue(
      (forget: ForgetHandledEvents, logger: AppLogger) => new HandledEventsRetention(forget, logger),
      [ForgetHandledEvents, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
}

/**
 * Subscribes every reaction of REACTIONS (once per dispatcher), but the METRIC_REACTIONS only
 * when metrics are recorded.
 */
export function subscribeHandlers(container: Container, bus: EventDispatcher): void {
  const counting = !(container.get<Metrics>(METRICS) instanceof NoMetrics);
  for (const [type, handlers] of Object.entries(REACTIONS) as [
    EventType,
    readonly HandlerClass<EventType>[],
  ][]) {
    for (const Handler of handlers) {
      if (!counting && METRIC_REACTIONS.has(Handler)) continue;
      if (bus.handlersOf(type).includes(Handler.name)) continue;
      bus.subscribe(type, container.get<EventHandler<EventOf<EventType>>>(Handler) as never);
    }
  }
}

/** The sweeper's schedule; bound last, like the expiry's, so its first run finds every handler. */
export function startEventSweeper(container: Container): void {
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue((schedule: EventOutboxSchedule) => schedule, [EventOutboxSchedule]);
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue((schedule: HandledEventsRetention) => schedule, [HandledEventsRetention]);
}

/**
 * Runs `work` (a CLI command) with the same reactions as the API: handlers subscribed first, and
 * every delivery (background mails included) finished before it answers. What fails stays in the
 * outbox for a server's sweeper.
 */
export async function withEventReactions<T>(container: Container, work: () => Promise<T>): Promise<T> {
  const bus = container.get(EventDispatcher);
  subscribeHandlers(container, bus);
  try {
    return await work();
  } finally {
    await bus.drain();
  }
}
