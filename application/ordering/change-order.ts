import { Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Order, OrderChange } from '../../domain/ordering/order.js';
import type { EventBus } from '../shared/ports.js';
import { retryOnConflict, type Unchanged } from '../shared/retry-on-conflict.js';
import type { OrderRepository } from './ports.js';
import { orderNotFound } from './queries.js';

/** Optimistic saves lost to a concurrent writer are retried on a fresh read this many times. */
export const SAVE_ATTEMPTS = 5;

/**
 * The one way an order changes after it is placed: load it, let `change` decide (the change the
 * aggregate recorded, or UNCHANGED), save the order with its events in one write (its outbox),
 * retrying on a fresh read when a concurrent writer won, then deliver the events. Only the writer
 * that won delivers them; a change found already applied writes and delivers nothing.
 */
export async function changeOrder(
  orders: OrderRepository,
  bus: EventBus,
  load: () => Promise<Order | null>,
  change: (order: Order) => Result<OrderChange | Unchanged, DomainError>,
  attempts = SAVE_ATTEMPTS,
): Promise<Result<{ order: Order; changed: boolean }, DomainError>> {
  const run = await retryOnConflict({
    load,
    notFound: orderNotFound,
    change,
    save: (next) => orders.update(next.order, next.events),
    attempts,
  });
  if (run.isErr()) return run;
  if (!run.value.changed) return Ok({ order: run.value.current, changed: false });
  await bus.publish(run.value.next.events);
  return Ok({ order: run.value.saved, changed: true });
}
