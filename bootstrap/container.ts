import { token } from '../application/shared/token.js';
import 'reflect-metadata';
import { Container } from 'inversify';
import type { AppLogger } from '../application/shared/ports.js';
import type { Config } from './config.js';
import { bindShared, type SharedOverrides } from './modules/shared.js';
import { bindInfrastructure, loadInfrastructure } from './modules/infrastructure.js';
import { bindObservability } from './modules/observability.js';
import { bindPersistence, loadPersistence } from './modules/persistence.js';
import { bindPii } from './modules/pii.js';
import { bindCache } from './modules/cache.js';
import { bindIdentity } from './modules/identity.js';
import { bindRequestSigning } from './modules/signing.js';
import { bindSessions, loadSessions } from './modules/sessions.js';
import { bindCatalog } from './modules/catalog.js';
import { bindCart } from './modules/cart.js';
import { bindWishlist } from './modules/wishlist.js';
import { bindOrdering, startOrderExpiry } from './modules/ordering.js';
import { bindLocation } from './modules/location.js';
import { bindDelivery } from './modules/delivery.js';
import {
  bindNotifications,
  bindNotificationSystem,
  loadNotifications,
  startNotificationResume,
} from './modules/notifications.js';
import { bindMedia, loadMedia } from './modules/media.js';
import { bindPayments, loadPayments } from './modules/payments.js';
import { bindIdempotency } from './modules/idempotency.js';
import { bindInventory } from './modules/inventory.js';
import { bindPromotions } from './modules/promotions.js';
import { bindLoyalty } from './modules/loyalty.js';
import { bindReviews } from './modules/reviews.js';
import { bindDiscovery } from './modules/discovery.js';
import { bindSearch } from './modules/search.js';
import { bindAnalytics } from './modules/analytics.js';
import { bindRealtime, bindRealtimeEndpoint } from './modules/realtime.js';
import { bindEvents, startEventSweeper } from './modules/events.js';
import { bindJobs, PROCESSORS, startJobWorkers, type ProcessorTable } from './modules/jobs.js';

export const CONFIG = token<Config>('Config');

export interface ContainerOverrides extends SharedOverrides {
  /** The job processors to run (tests: a table of their own); default PROCESSORS. */
  readonly processors?: ProcessorTable;
}

/**
 * Imports the adapter modules that pull an SDK or a driver (mongoose, ioredis, cloudinary,
 * razorpay, nodemailer...) only when config selects them: the embedded default loads none, which
 * is most of its start-up time and idle memory. The binding below stays synchronous.
 */
export async function loadAdapters(config: Config) {
  const [infrastructure, persistence, sessions, notifications, media, payments] = await Promise.all([
    loadInfrastructure(config),
    loadPersistence(config),
    loadSessions(config),
    loadNotifications(config),
    loadMedia(config),
    loadPayments(config),
  ]);
  return { infrastructure, persistence, sessions, notifications, media, payments };
}

/**
 * One container per process: each port bound to exactly one adapter, chosen from config (their
 * modules imported first by loadAdapters).
 */
export async function buildContainer(
  config: Config,
  logger: AppLogger,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const adapters = await loadAdapters(config);
  const container = new Container();
  container.bind(CONFIG).toConstantValue(config);
  bindShared(container, logger, overrides);
  bindObservability(container, config); // the metrics port (Prometheus when scrapable), detailed health
  bindInfrastructure(container, config, adapters.infrastructure);
  bindPersistence(container, config, adapters.persistence); // every repository: memory or Mongo, from one table
  bindPii(container, config); // the cipher of personal data at rest (the Mongo mappers')
  bindCache(container, config);
  bindEvents(container, config);
  bindJobs(container, config);
  bindIdentity(container, config);
  bindSessions(container, config, adapters.sessions);
  bindRequestSigning(container, config);
  bindCatalog(container, config);
  bindCart(container, config);
  bindWishlist(container, config);
  bindDelivery(container, config);
  bindOrdering(container, config);
  bindLocation(container, config);
  bindNotifications(container, config, adapters.notifications);
  bindNotificationSystem(container, config);
  bindMedia(container, config, adapters.media);
  bindPayments(container, config, adapters.payments);
  bindIdempotency(container, config);
  bindPromotions(container, config);
  bindLoyalty(container);
  bindInventory(container, config);
  bindReviews(container, config);
  bindDiscovery(container, config);
  bindSearch(container, config);
  bindAnalytics(container, config);
  bindRealtime(container, config);
  bindRealtimeEndpoint(container, config);
  startOrderExpiry(container); // last: its first sweep publishes to the subscribers bound above
  startEventSweeper(container);
  startJobWorkers(container, config, overrides.processors ?? PROCESSORS);
  startNotificationResume(container); // after the workers: what it queues is worked at once
  return container;
}
