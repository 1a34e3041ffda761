import {
  SYNTHETIC_LIMITS,
  synthesizeHistory,
  type SyntheticSettings,
} from '../../domain/discovery/synthetic.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { ProductRepository } from '../catalog/index.js';
import type { UserRepository } from '../identity/index.js';
import type { CityDirectory } from '../location/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { Clock } from '../shared/ports.js';
import type { WishlistRepository } from '../wishlist/index.js';
import type { ProductViews } from './ports.js';

export interface SynthesizeInput extends Omit<SyntheticSettings, 'end'> {
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SynthesizeOutcome {
  readonly shoppersCreated: number;
  readonly ordersCreated: number;
  /** Already there (the same seed ran before) or refused by the store (an order number taken). */
  readonly ordersSkipped: number;
  readonly favoritesAdded: number;
  readonly viewsRecorded: number;
}

/**
 * Writes a synthetic order history (domain/discovery/synthetic.ts) through the repositories:
 * shoppers, their orders (as placed and moved along the state machine by the domain, written
 * without events, so no mail, stock movement or loyalty points follow), favourites and product
 * views. Ids come from the seed: running the same seed again skips what exists, and favourites and
 * views are written only with the shopper or order they belong to, so nothing is counted twice.
 */
export class SynthesizeOrderHistory {
  constructor(
    private readonly products: ProductRepository,
    private readonly users: UserRepository,
    private readonly orders: OrderRepository,
    private readonly wishlist: WishlistRepository,
    private readonly views: ProductViews,
    private readonly cities: CityDirectory,
    private readonly clock: Clock,
  ) {}

  async execute(input: SynthesizeInput): Promise<Result<SynthesizeOutcome, DomainError>> {
    const L = SYNTHETIC_LIMITS;
    const bad = (field: string, rule: string) =>
      Err(domainError('VALIDATION_FAILED', `${field} must be ${rule}`));
    const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
    if (!whole(input.orders, 1, L.maxOrders)) return bad('orders', `1-${L.maxOrders}`);
    if (!whole(input.months, 1, L.maxMonths)) return bad('months', `1-${L.maxMonths}`);
    if (!whole(input.users, 1, L.maxUsers)) return bad('users', `1-${L.maxUsers}`);
    if (!whole(input.seed, 0, 0xffffffff)) return bad('seed', '0-4294967295');
    const products = await this.products.all();
    if (products.length === 0) {
      return Err(domainError('VALIDATION_FAILED', 'The catalog is empty: load it first (seed)'));
    }
    const cities = this.cities.all().filter((c) => c.serviceable);
    const history = synthesizeHistory(
      {
        seed: input.seed,
        orders: input.orders,
        months: input.months,
        users: input.users,
        end: this.clock.now(),
      },
      products,
      cities.length > 0 ? cities : this.cities.all(),
    );

    const total = history.shoppers.length + history.orders.length;
    let done = 0;
    const progress = () => input.onProgress?.(++done, total);
    let shoppersCreated = 0;
    let favoritesAdded = 0;
    for (const user of history.shoppers) {
      if (!(await this.users.findById(user.id)) && (await this.users.create(user)).isOk()) {
        shoppersCreated += 1;
        const favorites = history.wishlists.get(user.id) ?? [];
        if (favorites.length > 0) favoritesAdded += (await this.wishlist.addMany(user.id, favorites)).length;
      }
      progress();
    }
    let ordersCreated = 0;
    let viewsRecorded = 0;
    for (const { order, views } of history.orders) {
      if (!(await this.orders.findById(order.id)) && (await this.orders.create(order, [])).isOk()) {
        ordersCreated += 1;
        for (const v of views) await this.views.increment(v.productId, v.day);
        viewsRecorded += views.length;
      }
      progress();
    }
    return Ok({
      shoppersCreated,
      ordersCreated,
      ordersSkipped: history.orders.length - ordersCreated,
      favoritesAdded,
      viewsRecorded,
    });
  }
}
