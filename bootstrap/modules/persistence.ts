/* eslint-disable @typescript-eslint/no-explicit-any -- rows of different port types share one loop */
import type { Container } from 'inversify';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';
import { PRODUCT_VIEWS, RECOMMENDATION_MODELS } from '../../application/discovery/ports.js';
import { RECOMMENDATION_SETTINGS } from '../../application/discovery/settings.js';
import { MemoryRecommendationModels } from '../../adapters/persistence/memory/discovery-recommendation-models.js';
import { HANDLED_EVENT_STORE, STAGED_EVENT_OUTBOX } from '../../application/shared/event-ports.js';
import { IDEMPOTENCY_STORE } from '../../application/idempotency/ports.js';
import {
  API_KEY_STORE,
  AUDIT_LOG,
  MFA_CHALLENGE_STORE,
  PASSWORD_RESET_STORE,
  SESSION_STORE,
  TOKEN_REVOCATION_STORE,
  USER_REPOSITORY,
} from '../../application/identity/ports.js';
import { MemorySessionStore } from '../../adapters/persistence/memory/identity-sessions.js';
import {
  STOCK_LEDGER,
  STOCK_NOTIFY_REPOSITORY,
  STOCK_RESERVATION_REPOSITORY,
  STOCK_STORE,
  type StockStore,
} from '../../application/inventory/ports.js';
import { ORDER_REPOSITORY, UNPAID_ORDER_SLOT_REPOSITORY } from '../../application/ordering/ports.js';
import { PAYMENT_REPOSITORY, PROCESSED_EVENT_STORE } from '../../application/payments/ports.js';
import { CUSTOMER_ORDER_HISTORY, PROMO_CODE_REPOSITORY } from '../../application/promotions/ports.js';
import { NOTIFICATION_REPOSITORY } from '../../application/notifications/ports.js';
import { REVIEW_REPOSITORY } from '../../application/reviews/ports.js';
import { PUSH_SUBSCRIPTION_STORE } from '../../application/notifications/channels.js';
import { BULK_NOTIFICATION_STORE } from '../../application/notifications/bulk.js';
import { MemoryBulkNotificationStore } from '../../adapters/persistence/memory/notifications-bulk-sends.js';
import { MemoryPushSubscriptionStore } from '../../adapters/persistence/memory/notifications-push-subscriptions.js';
import { CLOCK } from '../../application/shared/ports.js';
import { PII_CIPHER, PII_DATA_KEY_STORE } from '../../application/shared/pii.js';
import { MemoryPiiDataKeyStore } from '../../adapters/persistence/memory/pii-data-keys.js';
import type { Token } from '../../application/shared/token.js';
import { MONGO_CONNECTION } from '../../adapters/persistence/mongo/tokens.js';
import {
  BULK_OPERATION_STORE,
  WISHLIST_REPOSITORY,
  WISHLIST_SHARE_STORE,
} from '../../application/wishlist/ports.js';
import { LOYALTY_LEDGER } from '../../application/loyalty/ports.js';
import { MemoryLoyaltyLedger } from '../../adapters/persistence/memory/loyalty-ledger.js';
import { MemoryCartRepository } from '../../adapters/persistence/memory/cart-repository.js';
import { MemoryCategoryRepository } from '../../adapters/persistence/memory/catalog-category-repository.js';
import { MemoryProductRepository } from '../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryProductViews } from '../../adapters/persistence/memory/discovery-product-views.js';
import { MemoryIdempotencyStore } from '../../adapters/persistence/memory/idempotency-store.js';
import { MemoryAuditLog } from '../../adapters/persistence/memory/identity-audit-log.js';
import {
  MemoryPasswordResetStore,
  MemoryTokenRevocationStore,
} from '../../adapters/persistence/memory/identity-tokens.js';
import { MemoryUserRepository } from '../../adapters/persistence/memory/identity-user-repository.js';
import { MemoryMfaChallengeStore } from '../../adapters/persistence/memory/identity-mfa-challenges.js';
import { MemoryHandledEventStore } from '../../adapters/persistence/memory/events-handled.js';
import { MemoryStagedEventOutbox } from '../../adapters/persistence/memory/events-outbox.js';
import { MemoryStockStore } from '../../adapters/persistence/memory/inventory-stock-store.js';
import { MemoryStockLedger } from '../../adapters/persistence/memory/inventory-ledger.js';
import { MemoryStockNotifyRepository } from '../../adapters/persistence/memory/inventory-notify-requests.js';
import { MemoryDatabase } from '../../adapters/persistence/memory/memory-database.js';
import { MemoryNotificationRepository } from '../../adapters/persistence/memory/notifications-repository.js';
import { MemoryOrderRepository } from '../../adapters/persistence/memory/ordering-order-repository.js';
import { MemoryStockReservationRepository } from '../../adapters/persistence/memory/inventory-stock-reservations.js';
import { MemoryUnpaidOrderSlotRepository } from '../../adapters/persistence/memory/ordering-unpaid-slots.js';
import { MemoryProcessedEventStore } from '../../adapters/persistence/memory/payments-processed-events.js';
import { MemoryPaymentRepository } from '../../adapters/persistence/memory/payments-records.js';
import { MemoryPromoCodeRepository } from '../../adapters/persistence/memory/promotions-repository.js';
import { MemoryCustomerOrderHistory } from '../../adapters/persistence/memory/promotions-customer-order-history.js';
import { MemoryReviewRepository } from '../../adapters/persistence/memory/reviews-repository.js';
import { MemoryWishlistRepository } from '../../adapters/persistence/memory/wishlist-repository.js';
import { MemoryBulkOperationStore } from '../../adapters/persistence/memory/wishlist-bulk-operations.js';
import { MemoryWishlistShareStore } from '../../adapters/persistence/memory/wishlist-shares.js';
import type { PendingMovementSettler } from '../../adapters/persistence/mongo/inventory-ledger.js';
import { SLOT_CAPACITY_STORE } from '../../application/delivery/ports.js';
import { MemorySlotCapacityStore } from '../../adapters/persistence/memory/delivery-slot-capacity.js';
import {
  SAVED_SEARCH_STORE,
  SEARCH_HISTORY_STORE,
  SEARCH_TERM_COUNTS,
} from '../../application/search/records-ports.js';
import {
  MemorySavedSearchStore,
  MemorySearchHistoryStore,
  MemorySearchTermCounts,
} from '../../adapters/persistence/memory/search-records.js';
import { ANALYTICS_QUERIES } from '../../application/analytics/ports.js';
import { MemoryAnalyticsQueries } from '../../adapters/persistence/memory/analytics-queries.js';
import { MemoryApiKeyStore } from '../../adapters/persistence/memory/identity-api-keys.js';
import type { Config } from '../config.js';
import type { Dependencies, Dependency } from './bind.js';
import { bindMongoRepositoriesAtStart } from './mongo-repositories.js';

/** One adapter class for a port and its dependencies (checked against its constructor like bindClass). */
export interface Adapter<T> {
  readonly Class: new (...args: any[]) => T;
  readonly deps: readonly Dependency<unknown>[];
}

export function adapter<T, Params extends unknown[]>(
  Class: new (...args: Params) => T,
  deps: NoInfer<Dependencies<Params>>,
): Adapter<T> {
  return { Class, deps: deps as readonly Dependency<unknown>[] };
}

/**
 * A Mongo adapter, imported only when MONGODB_URI selects MongoDB: the embedded default never
 * loads mongoose. Checked against its constructor like `adapter`.
 */
export interface LazyAdapter<T> {
  readonly load: () => Promise<Adapter<T>>;
}

export function lazyAdapter<M, T, Params extends unknown[]>(
  load: () => Promise<M>,
  pick: (module: M) => new (...args: Params) => T,
  deps: NoInfer<Dependencies<Params>>,
): LazyAdapter<T> {
  return { load: async () => ({ Class: pick(await load()), deps: deps as readonly Dependency<unknown>[] }) };
}

/** One port stored in memory on the embedded default, or on MongoDB when MONGODB_URI is set. */
export interface PersistenceRow<T> {
  readonly token: Token<T>;
  /** The context whose Mongo repositories are built at start (see bindMongoRepositoriesAtStart). */
  readonly context: string;
  readonly memory: Adapter<T>;
  readonly mongo: LazyAdapter<T>;
  /**
   * With REDIS_URL this port is on Redis instead, bound by the module named `boundBy`; when that
   * Redis adapter keeps a durable copy on MongoDB it is still built at start under Mongo.
   */
  readonly onRedis?: { readonly boundBy: string; readonly keepsMongoCopy: boolean };
}

/** A row, checked: both adapters must build what the token promises. */
export function row<T>(r: PersistenceRow<T>): PersistenceRow<any> {
  return r;
}

// The stock ledger settles the movements parked on products through the stock store, which under
// Mongo is a MongoStockStore (the catalog cache's wrapper forwards every method).
const STOCK_SETTLER = STOCK_STORE as Token<StockStore & PendingMovementSettler>;

const db = [MemoryDatabase] as const;
const mongo = [MONGO_CONNECTION] as const;
/** Adapters that store personal data: their mappers seal it (PII_FIELDS). */
const mongoPii = [MONGO_CONNECTION, PII_CIPHER] as const;

/** Every port with a memory and a Mongo adapter: the one place that chooses between them. */
export const PERSISTENCE: readonly PersistenceRow<any>[] = [
  row({
    token: PII_DATA_KEY_STORE,
    context: 'shared',
    memory: adapter(MemoryPiiDataKeyStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/pii-data-keys.js'),
      (m) => m.MongoPiiDataKeyStore,
      mongo,
    ),
  }),
  row({
    token: USER_REPOSITORY,
    context: 'identity',
    memory: adapter(MemoryUserRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/identity-user-repository.js'),
      (m) => m.MongoUserRepository,
      mongoPii,
    ),
  }),
  row({
    token: LOYALTY_LEDGER,
    context: 'loyalty',
    memory: adapter(MemoryLoyaltyLedger, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/loyalty-ledger.js'),
      (m) => m.MongoLoyaltyLedger,
      mongo,
    ),
  }),
  row({
    token: AUDIT_LOG,
    context: 'identity',
    memory: adapter(MemoryAuditLog, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/identity-audit-log.js'),
      (m) => m.MongoAuditLog,
      mongo,
    ),
  }),
  row({
    token: API_KEY_STORE,
    context: 'identity',
    memory: adapter(MemoryApiKeyStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/identity-api-keys.js'),
      (m) => m.MongoApiKeyStore,
      mongo,
    ),
  }),
  row({
    token: PASSWORD_RESET_STORE,
    context: 'identity',
    memory: adapter(MemoryPasswordResetStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/identity-tokens.js'),
      (m) => m.MongoPasswordResetStore,
      mongo,
    ),
  }),
  row({
    token: SESSION_STORE,
    context: 'identity',
    memory: adapter(MemorySessionStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/identity-sessions.js'),
      (m) => m.MongoSessionStore,
      mongo,
    ),
  }),
  row({
    token: MFA_CHALLENGE_STORE,
    context: 'identity',
    memory: adapter(MemoryMfaChallengeStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/identity-mfa-challenges.js'),
      (m) => m.MongoMfaChallengeStore,
      mongo,
    ),
  }),
  row({
    token: TOKEN_REVOCATION_STORE,
    context: 'identity',
    memory: adapter(MemoryTokenRevocationStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/identity-tokens.js'),
      (m) => m.MongoTokenRevocationStore,
      mongo,
    ),
    onRedis: { boundBy: 'bindSessions', keepsMongoCopy: true },
  }),
  row({
    token: PRODUCT_REPOSITORY,
    context: 'catalog',
    memory: adapter(MemoryProductRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/catalog-product-repository.js'),
      (m) => m.MongoProductRepository,
      mongo,
    ),
  }),
  row({
    token: CATEGORY_REPOSITORY,
    context: 'catalog',
    memory: adapter(MemoryCategoryRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/catalog-category-repository.js'),
      (m) => m.MongoCategoryRepository,
      mongo,
    ),
  }),
  row({
    token: CART_REPOSITORY,
    context: 'cart',
    memory: adapter(MemoryCartRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/cart-repository.js'),
      (m) => m.MongoCartRepository,
      mongo,
    ),
  }),
  row({
    token: WISHLIST_REPOSITORY,
    context: 'wishlist',
    memory: adapter(MemoryWishlistRepository, [MemoryDatabase, CLOCK]),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/wishlist-repository.js'),
      (m) => m.MongoWishlistRepository,
      [MONGO_CONNECTION, CLOCK],
    ),
  }),
  row({
    token: BULK_OPERATION_STORE,
    context: 'wishlist',
    memory: adapter(MemoryBulkOperationStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/wishlist-bulk-operations.js'),
      (m) => m.MongoBulkOperationStore,
      mongo,
    ),
  }),
  row({
    token: WISHLIST_SHARE_STORE,
    context: 'wishlist',
    memory: adapter(MemoryWishlistShareStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/wishlist-shares.js'),
      (m) => m.MongoWishlistShareStore,
      mongo,
    ),
  }),
  row({
    token: ORDER_REPOSITORY,
    context: 'ordering',
    memory: adapter(MemoryOrderRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/ordering-order-repository.js'),
      (m) => m.MongoOrderRepository,
      mongoPii,
    ),
  }),
  row({
    token: UNPAID_ORDER_SLOT_REPOSITORY,
    context: 'ordering',
    memory: adapter(MemoryUnpaidOrderSlotRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/ordering-unpaid-slots.js'),
      (m) => m.MongoUnpaidOrderSlotRepository,
      mongo,
    ),
  }),
  row({
    token: STOCK_RESERVATION_REPOSITORY,
    context: 'stock reservations',
    memory: adapter(MemoryStockReservationRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/inventory-stock-reservations.js'),
      (m) => m.MongoStockReservationRepository,
      mongo,
    ),
  }),
  row({
    token: PAYMENT_REPOSITORY,
    context: 'payments',
    memory: adapter(MemoryPaymentRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/payments-records.js'),
      (m) => m.MongoPaymentRepository,
      mongo,
    ),
  }),
  row({
    token: PROCESSED_EVENT_STORE,
    context: 'payments',
    memory: adapter(MemoryProcessedEventStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/payments-processed-events.js'),
      (m) => m.MongoProcessedEventStore,
      mongo,
    ),
  }),
  row({
    token: IDEMPOTENCY_STORE,
    context: 'idempotency',
    memory: adapter(MemoryIdempotencyStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/idempotency-store.js'),
      (m) => m.MongoIdempotencyStore,
      mongoPii,
    ),
    onRedis: { boundBy: 'bindIdempotency', keepsMongoCopy: false },
  }),
  row({
    token: PROMO_CODE_REPOSITORY,
    context: 'promotions',
    memory: adapter(MemoryPromoCodeRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/promotions-repository.js'),
      (m) => m.MongoPromoCodeRepository,
      mongo,
    ),
  }),
  row({
    token: SLOT_CAPACITY_STORE,
    context: 'delivery',
    memory: adapter(MemorySlotCapacityStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/delivery-slot-capacity.js'),
      (m) => m.MongoSlotCapacityStore,
      mongo,
    ),
  }),
  row({
    token: CUSTOMER_ORDER_HISTORY,
    context: 'promotions',
    memory: adapter(MemoryCustomerOrderHistory, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/promotions-customer-order-history.js'),
      (m) => m.MongoCustomerOrderHistory,
      mongo,
    ),
  }),
  row({
    token: HANDLED_EVENT_STORE,
    context: 'events',
    memory: adapter(MemoryHandledEventStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/events-handled.js'),
      (m) => m.MongoHandledEventStore,
      mongo,
    ),
  }),
  row({
    token: STAGED_EVENT_OUTBOX,
    context: 'events',
    memory: adapter(MemoryStagedEventOutbox, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/events-outbox.js'),
      (m) => m.MongoStagedEventOutbox,
      mongo,
    ),
  }),
  row({
    token: STOCK_STORE,
    context: 'inventory',
    memory: adapter(MemoryStockStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/inventory-stock-store.js'),
      (m) => m.MongoStockStore,
      mongo,
    ),
  }),
  row({
    token: STOCK_LEDGER,
    context: 'inventory',
    memory: adapter(MemoryStockLedger, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/inventory-ledger.js'),
      (m) => m.MongoStockLedger,
      [MONGO_CONNECTION, STOCK_SETTLER],
    ),
  }),
  row({
    token: STOCK_NOTIFY_REPOSITORY,
    context: 'inventory',
    memory: adapter(MemoryStockNotifyRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/inventory-notify-requests.js'),
      (m) => m.MongoStockNotifyRepository,
      mongo,
    ),
  }),
  row({
    token: NOTIFICATION_REPOSITORY,
    context: 'notifications',
    memory: adapter(MemoryNotificationRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/notifications-repository.js'),
      (m) => m.MongoNotificationRepository,
      mongoPii,
    ),
  }),
  row({
    token: REVIEW_REPOSITORY,
    context: 'reviews',
    memory: adapter(MemoryReviewRepository, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/reviews-repository.js'),
      (m) => m.MongoReviewRepository,
      mongo,
    ),
  }),
  row({
    token: BULK_NOTIFICATION_STORE,
    context: 'notifications',
    memory: adapter(MemoryBulkNotificationStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/notifications-bulk-sends.js'),
      (m) => m.MongoBulkNotificationStore,
      mongo,
    ),
  }),
  row({
    token: PUSH_SUBSCRIPTION_STORE,
    context: 'notifications',
    memory: adapter(MemoryPushSubscriptionStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/notifications-push-subscriptions.js'),
      (m) => m.MongoPushSubscriptionStore,
      mongo,
    ),
  }),
  row({
    token: PRODUCT_VIEWS,
    context: 'discovery',
    memory: adapter(MemoryProductViews, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/discovery-product-views.js'),
      (m) => m.MongoProductViews,
      mongo,
    ),
  }),
  row({
    token: RECOMMENDATION_MODELS,
    context: 'discovery',
    memory: adapter(MemoryRecommendationModels, [MemoryDatabase, RECOMMENDATION_SETTINGS]),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/discovery-recommendation-models.js'),
      (m) => m.MongoRecommendationModels,
      [MONGO_CONNECTION, RECOMMENDATION_SETTINGS],
    ),
  }),
  // search records (issue 12): saved searches, popular-search counters, search history
  row({
    token: SAVED_SEARCH_STORE,
    context: 'search',
    memory: adapter(MemorySavedSearchStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/search-records.js'),
      (m) => m.MongoSavedSearchStore,
      mongo,
    ),
  }),
  row({
    token: SEARCH_TERM_COUNTS,
    context: 'search',
    memory: adapter(MemorySearchTermCounts, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/search-records.js'),
      (m) => m.MongoSearchTermCounts,
      mongo,
    ),
  }),
  row({
    token: SEARCH_HISTORY_STORE,
    context: 'search',
    memory: adapter(MemorySearchHistoryStore, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/search-records.js'),
      (m) => m.MongoSearchHistoryStore,
      mongo,
    ),
  }),
  row({
    token: ANALYTICS_QUERIES,
    context: 'analytics',
    memory: adapter(MemoryAnalyticsQueries, db),
    mongo: lazyAdapter(
      () => import('../../adapters/persistence/mongo/analytics-queries.js'),
      (m) => m.MongoAnalyticsQueries,
      mongo,
    ),
  }),
];

/** The adapter config selects for each row's token, its module imported (see loadPersistence). */
export type SelectedPersistence = ReadonlyMap<Token<unknown>, Adapter<unknown>>;

/** Picks each row's adapter: the memory ones, or under MONGODB_URI the Mongo ones, imported now. */
export async function loadPersistence(
  config: Pick<Config, 'mongo'>,
  rows: readonly PersistenceRow<any>[] = PERSISTENCE,
): Promise<SelectedPersistence> {
  if (!config.mongo) return new Map(rows.map((r) => [r.token, r.memory] as const));
  return new Map(await Promise.all(rows.map(async (r) => [r.token, await r.mongo.load()] as const)));
}

/**
 * Binds every row of PERSISTENCE to its memory or Mongo adapter (one singleton each, as
 * `selected` by loadPersistence), and under Mongo builds each context's repositories at start
 * so their indexes exist before the first request. Rows served by Redis when REDIS_URL is set
 * are left to the module that binds them.
 */
export function bindPersistence(
  container: Container,
  config: Pick<Config, 'mongo' | 'redis'>,
  selected: SelectedPersistence,
  rows: readonly PersistenceRow<any>[] = PERSISTENCE,
): void {
  const atStart = new Map<string, symbol[]>();
  for (const r of rows) {
    const onRedis = config.redis ? r.onRedis : undefined;
    if (!onRedis) {
      const chosen = selected.get(r.token);
      if (!chosen)
        throw new Error(`${String(r.token.description)}: its adapter was not loaded before binding`);
      const { Class, deps } = chosen;
      container
        .bind(r.token)
        .toResolvedValue((...args: unknown[]) => new Class(...args), [...deps])
        .inSingletonScope();
    }
    if (config.mongo && (!onRedis || onRedis.keepsMongoCopy)) {
      atStart.set(r.context, [...(atStart.get(r.context) ?? []), r.token]);
    }
  }
  for (const [context, tokens] of atStart) bindMongoRepositoriesAtStart(container, context, tokens);
}
