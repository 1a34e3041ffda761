import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { renumber, type OrderChange } from '../../domain/ordering/order.js';
import { makeOrderNumber } from '../../domain/ordering/order-number.js';
import type { RandomSource } from '../shared/ports.js';
import type { OrderRepository } from './ports.js';

/** Attempts at finding a free order number before giving up (1000 numbers per millisecond). */
const NUMBER_ATTEMPTS = 20;

const exhausted = (): DomainError =>
  domainError('CONFLICT', 'Could not allocate an order number, please try again');

/**
 * Order-number allocation: a number no stored order has, and the unique insert that settles any
 * race left (on a clash the order is renumbered and inserted again). Part of PlaceOrder.
 */
export class OrderNumbers {
  constructor(
    private readonly orders: OrderRepository,
    private readonly random: RandomSource,
  ) {}

  /** A number no stored order has right now. */
  async free(now: Date): Promise<Result<string, DomainError>> {
    for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
      const candidate = makeOrderNumber(now, this.random.int(1000));
      if (!(await this.orders.findByNumber(candidate))) return Ok(candidate);
    }
    return Err(exhausted());
  }

  /** The unique insert; on an order-number clash the order is renumbered and inserted again. */
  async insert(change: OrderChange, now: Date): Promise<Result<OrderChange, DomainError>> {
    let candidate = change;
    for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
      const created = await this.orders.create(candidate.order, candidate.events);
      if (created.isOk()) return Ok({ order: created.value, events: candidate.events });
      if (created.error.code !== 'CONFLICT' || created.error.details?.field !== 'orderNumber') {
        return Err(created.error);
      }
      const number = await this.free(now);
      if (number.isErr()) return number;
      candidate = renumber(candidate, number.value);
    }
    return Err(exhausted());
  }
}
