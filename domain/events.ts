import { CART_EVENT_TYPES, type CartEvent } from './cart/events.js';
import { CATALOG_EVENT_TYPES, type CatalogEvent } from './catalog/events.js';
import { IDENTITY_EVENT_TYPES, type IdentityEvent } from './identity/events.js';
import { ORDER_EVENT_TYPES, type OrderEvent } from './ordering/events.js';

/** Every domain event the shop records, and their types (docs/architecture.md lists each). */
export type AnyDomainEvent = OrderEvent | CatalogEvent | IdentityEvent | CartEvent;
export type EventType = AnyDomainEvent['type'];
/** The event recorded under `T`: what a handler subscribed to `T` receives. */
export type EventOf<T extends EventType> = Extract<AnyDomainEvent, { type: T }>;

export const EVENT_TYPES: readonly EventType[] = [
  ...ORDER_EVENT_TYPES,
  ...CATALOG_EVENT_TYPES,
  ...IDENTITY_EVENT_TYPES,
  ...CART_EVENT_TYPES,
];
