import type { Product } from '../catalog/product.js';
import { createUser, type User } from '../identity/user.js';
import type { City } from '../location/place.js';
import { changeStatus, placeOrder, type Order, type OrderLine } from '../ordering/order.js';
import type { OrderStatus, PaymentMethod } from '../ordering/status.js';
import { DAY_MS, dayKey } from './scoring.js';
import { seededRandom } from '../shared/seeded-random.js';

/**
 * A realistic synthetic order history for demos, benchmarks and the model's evaluation: shoppers
 * in the shop's serviceable cities, orders spread over months with seasonal peaks (Valentine's Day:
 * red roses; Mother's Day, the 2nd Sunday of May: pink and mixed bouquets; Diwali: yellow and
 * mixed, congratulations; weddings from November to February), baskets with recurring
 * co-purchase pairs, realistic statuses and payments, favourites and product views.
 *
 * Pure and deterministic: the same seed, sizes, catalog, cities and end date give the same history,
 * ids included (derived from the seed), so writing it twice creates nothing new.
 */

export const SYNTHETIC_LIMITS = { maxOrders: 200_000, maxUsers: 100_000, maxMonths: 60 } as const;

export interface SyntheticSettings {
  /** 0 .. 2^32 - 1. */
  readonly seed: number;
  readonly orders: number;
  readonly months: number;
  readonly users: number;
  /** The history ends here (the clock's now); it starts `months` earlier. */
  readonly end: Date;
}

/** The themes an order is bought for; seasonal ones peak on their dates. */
export type Theme =
  | 'valentines'
  | 'mothers-day'
  | 'diwali'
  | 'wedding'
  | 'birthday'
  | 'anniversary'
  | 'sympathy'
  | 'congratulations'
  | 'just-because';

export interface SyntheticOrder {
  readonly order: Order;
  readonly theme: Theme;
  /** Product page views that led to it (one per entry), on its day. */
  readonly views: readonly { readonly productId: string; readonly day: string }[];
}

export interface SyntheticHistory {
  readonly shoppers: readonly User[];
  readonly orders: readonly SyntheticOrder[];
  /** userId -> favourite product ids. */
  readonly wishlists: ReadonlyMap<string, readonly string[]>;
}

/** Not a bcrypt hash (any comparison is false): synthetic shoppers cannot sign in. */
export const SYNTHETIC_PASSWORD_HASH = '!synthetic-shopper-no-password';

/** 24 hex characters: `5e`, the kind, the seed (8), a counter (13). */
export function syntheticId(seed: number, kind: 'user' | 'order' | 'line', n: number): string {
  const k = { user: '1', order: '2', line: '3' }[kind];
  return `5e${k}${(seed >>> 0).toString(16).padStart(8, '0')}${n.toString(16).padStart(13, '0')}`;
}

/** `AF-8` + the seed's last two digits + a 6-digit counter (the storefront's AF- + 9 digits). */
export function syntheticOrderNumber(seed: number, n: number): string {
  return `AF-8${String(seed % 100).padStart(2, '0')}${String(n).padStart(6, '0')}`;
}

/** The 2nd Sunday of May of `year` (UTC). */
export function mothersDay(year: number): Date {
  const first = new Date(Date.UTC(year, 4, 1));
  const firstSunday = 1 + ((7 - first.getUTCDay()) % 7);
  return new Date(Date.UTC(year, 4, firstSunday + 7));
}

/** Diwali (Lakshmi Puja) dates; other years fall back to November 1st. */
const DIWALI: Readonly<Record<number, string>> = {
  2023: '2023-11-12',
  2024: '2024-11-01',
  2025: '2025-10-21',
  2026: '2026-11-08',
  2027: '2027-10-29',
  2028: '2028-10-17',
  2029: '2029-11-05',
  2030: '2030-10-26',
};
export function diwali(year: number): Date {
  return new Date(`${DIWALI[year] ?? `${year}-11-01`}T00:00:00.000Z`);
}

/** The seasonal theme a day is in (the week before the date, the date included), if any. */
export function seasonOf(day: Date): Theme | null {
  const y = day.getUTCFullYear();
  const within = (date: Date) => {
    const d = (date.getTime() - Date.UTC(y, day.getUTCMonth(), day.getUTCDate())) / DAY_MS;
    return d >= 0 && d <= 7;
  };
  if (within(new Date(Date.UTC(y, 1, 14)))) return 'valentines';
  if (within(mothersDay(y))) return 'mothers-day';
  if (within(diwali(y))) return 'diwali';
  return null;
}

/** How busy a day is: 1, a seasonal week 5 (Valentine's) / 4 (Mother's Day) / 3 (Diwali), winter 1.3. */
function dayWeight(day: Date): number {
  const season = seasonOf(day);
  if (season === 'valentines') return 5;
  if (season === 'mothers-day') return 4;
  if (season === 'diwali') return 3;
  const m = day.getUTCMonth();
  return m === 10 || m === 11 || m === 0 || m === 1 ? 1.3 : 1;
}

const EVERYDAY: readonly [Theme, number][] = [
  ['birthday', 34],
  ['anniversary', 16],
  ['just-because', 18],
  ['congratulations', 12],
  ['sympathy', 8],
  ['wedding', 6],
];

/** Whether `p` suits `theme` (seasonal themes by colour and flowers; others by occasion). */
export function suits(theme: Theme, p: Product): boolean {
  const has = <T>(xs: readonly T[], ...want: T[]) => want.some((w) => xs.includes(w));
  switch (theme) {
    case 'valentines':
      return has(p.colors, 'red') && has(p.flowerTypes, 'roses');
    case 'mothers-day':
      return has(p.colors, 'pink', 'mixed');
    case 'diwali':
      return has(p.colors, 'yellow', 'mixed') || has(p.occasions, 'congratulations');
    case 'wedding':
      return has(p.occasions, 'wedding') || has(p.colors, 'white');
    default:
      return has(p.occasions, theme);
  }
}

const FIRST = ['Aarav', 'Diya', 'Ishaan', 'Ananya', 'Kabir', 'Meera', 'Rohan', 'Saanvi', 'Vihaan', 'Priya'];
const LAST = ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Gupta', 'Khan', 'Das', 'Nair', 'Singh', 'Mehta'];
const STREETS = ['MG Road', 'Park Street', 'Linking Road', 'Brigade Road', 'Anna Salai', 'Ring Road'];

function weightedIndex(weights: readonly number[], r: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** Cumulative weights for O(log n) picks among many items. */
function picker(weights: readonly number[]): (r: number) => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  return (r) => {
    const x = r * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * Generates the history. `products` are the catalog (in stock or not; at least one), `cities` the
 * shop's serviceable cities (at least one).
 */
export function synthesizeHistory(
  settings: SyntheticSettings,
  products: readonly Product[],
  cities: readonly City[],
): SyntheticHistory {
  const { seed, end } = settings;
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const catalog = [...products].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // Popularity: a Zipf-like weight over a seeded shuffle, so some bouquets are bestsellers.
  const order = catalog.map((p) => ({ p, k: rnd() })).sort((a, b) => a.k - b.k);
  const popularity = new Map(order.map(({ p }, rank) => [p.id, 1 / Math.pow(rank + 1, 0.8)]));
  const themed = new Map<Theme, { items: Product[]; pick: (r: number) => number }>();
  const poolFor = (theme: Theme) => {
    let pool = themed.get(theme);
    if (!pool) {
      const fitting = catalog.filter((p) => suits(theme, p));
      const items = fitting.length > 0 ? fitting : catalog;
      pool = { items, pick: picker(items.map((p) => popularity.get(p.id)!)) };
      themed.set(theme, pool);
    }
    return pool;
  };
  // Co-purchase pairs: each product has a companion (a different product sharing an occasion
  // when one exists), added to many of its baskets: the pattern a model should learn.
  const companion = new Map<string, Product>();
  const byOccasion = new Map<string, Product[]>();
  for (const p of catalog) for (const o of p.occasions) byOccasion.set(o, [...(byOccasion.get(o) ?? []), p]);
  for (const p of catalog) {
    const near = p.occasions.length > 0 ? byOccasion.get(pick(p.occasions))! : catalog;
    const from = near.length > 1 ? near : catalog;
    if (from.length < 2) continue;
    let other = pick(from);
    while (other.id === p.id) other = pick(from);
    companion.set(p.id, other);
  }

  // Follow-ups: each product has another sharing a flower type (else a colour) that its buyers
  // come back for in a later order: the shopper-level pattern next-order recommendations learn.
  const followUp = new Map<string, Product>();
  for (const p of catalog) {
    const alike = catalog.filter(
      (o) => o.id !== p.id && o.flowerTypes.some((f) => p.flowerTypes.includes(f)),
    );
    const near =
      alike.length > 0
        ? alike
        : catalog.filter((o) => o.id !== p.id && o.colors.some((c) => p.colors.includes(c)));
    if (near.length > 0) followUp.set(p.id, pick(near));
  }

  // Shoppers: a home city (popular cities weigh more), a favourite occasion, how often they buy.
  const start = new Date(end.getTime() - settings.months * 30 * DAY_MS);
  const cityPick = picker(cities.map((c) => (c.popular ? 3 : 1)));
  const shoppers: User[] = [];
  const homes: City[] = [];
  const tastes: Theme[] = [];
  for (let n = 0; n < settings.users; n++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const joined = new Date(start.getTime() - Math.floor(rnd() * 90) * DAY_MS);
    shoppers.push(
      createUser({
        id: syntheticId(seed, 'user', n),
        fullName: `${first} ${last}`,
        email: `shopper-${seed}-${n}@synthetic.amour-florals.example`,
        passwordHash: SYNTHETIC_PASSWORD_HASH,
        now: joined,
      }),
    );
    homes.push(cities[cityPick(rnd())]!);
    tastes.push(
      EVERYDAY[
        weightedIndex(
          EVERYDAY.map(([, w]) => w),
          rnd(),
        )
      ]![0],
    );
  }
  const shopperPick = picker(shoppers.map((_, i) => 1 / Math.pow(i + 1, 0.6)));

  // Days, weighted by season.
  const days: Date[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += DAY_MS) days.push(new Date(t));
  const dayPick = picker(days.map(dayWeight));

  const orders: SyntheticOrder[] = [];
  const bought = new Map<number, Product[]>();
  let lineNo = 0;
  for (let n = 0; n < settings.orders; n++) {
    const u = shopperPick(rnd());
    const user = shoppers[u]!;
    const city = homes[u]!;
    const day = days[dayPick(rnd())]!;
    const at = new Date(Math.min(day.getTime() + Math.floor(rnd() * DAY_MS), end.getTime() - 60_000));
    const season = seasonOf(at);
    const month = at.getUTCMonth();
    const winter = month === 10 || month === 11 || month === 0 || month === 1;
    const theme: Theme =
      season && rnd() < 0.7
        ? season
        : winter && rnd() < 0.12
          ? 'wedding'
          : rnd() < 0.3
            ? tastes[u]!
            : EVERYDAY[
                weightedIndex(
                  EVERYDAY.map(([, w]) => w),
                  rnd(),
                )
              ]![0];
    const pool = poolFor(theme);
    const history = bought.get(u) ?? [];
    // Outside a seasonal peak, a returning shopper often comes back for a follow-up of an earlier buy.
    const back = !season && history.length > 0 && rnd() < 0.4 ? followUp.get(pick(history).id) : undefined;
    const main = back ?? pool.items[pool.pick(rnd())]!;
    const basket: Product[] = [main];
    const pair = companion.get(main.id);
    if (pair && rnd() < 0.45) basket.push(pair);
    if (rnd() < 0.12) {
      const extra = pool.items[pool.pick(rnd())]!;
      if (!basket.includes(extra)) basket.push(extra);
    }
    const items: OrderLine[] = basket.map((p) => ({
      id: syntheticId(seed, 'line', lineNo++),
      productId: p.id,
      name: p.name,
      unitPrice: p.price,
      quantity: rnd() < 0.85 ? 1 : 2,
    }));
    const paymentMethod: PaymentMethod = ((r) => (r < 0.6 ? 'razorpay' : r < 0.9 ? 'card' : 'paypal'))(rnd());
    const placed = placeOrder({
      id: syntheticId(seed, 'order', n),
      orderNumber: syntheticOrderNumber(seed, n),
      userId: user.id,
      items,
      shippingAddress: {
        fullName: user.fullName,
        street: `${1 + Math.floor(rnd() * 200)} ${pick(STREETS)}`,
        city: city.city,
        state: city.state,
        zipCode: String(100000 + Math.floor(rnd() * 899999)),
        country: city.country,
      },
      paymentMethod,
      source: 'request',
      now: at,
    });
    if (placed.isErr()) throw new Error(`synthetic order ${n}: ${placed.error.message}`);
    const order = settle(placed.value.order, at, end, rnd);
    const views = basket.flatMap((p) =>
      Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({ productId: p.id, day: dayKey(at) })),
    );
    // Browsing that did not end in this basket: two more pages of the theme.
    for (let i = 0; i < 2; i++) views.push({ productId: pool.items[pool.pick(rnd())]!.id, day: dayKey(at) });
    orders.push({ order, theme, views });
    if (order.status !== 'cancelled') {
      const theirs = bought.get(u) ?? [];
      theirs.push(...basket);
      bought.set(u, theirs);
    }
  }

  // Favourites: half the shoppers keep 1-4, from companions of what they bought and their taste.
  const wishlists = new Map<string, string[]>();
  shoppers.forEach((user, u) => {
    if (rnd() >= 0.5) return;
    const ids = new Set<string>();
    const want = 1 + Math.floor(rnd() * 4);
    const theirs = bought.get(u) ?? [];
    for (let i = 0; i < want * 3 && ids.size < want; i++) {
      const from = theirs.length > 0 && rnd() < 0.5 ? companion.get(pick(theirs).id) : undefined;
      const pool = poolFor(tastes[u]!);
      ids.add((from ?? pool.items[pool.pick(rnd())]!).id);
    }
    wishlists.set(user.id, [...ids]);
  });

  return { shoppers, orders, wishlists };
}

const HOUR_MS = 3_600_000;
const RECENT: readonly OrderStatus[] = ['confirmed', 'processing'];
const SHIPPING: readonly OrderStatus[] = ['confirmed', 'processing', 'shipped'];

/**
 * Moves a placed order along the state machine as its age allows: under 2 days pending /
 * confirmed / processing, under 5 days up to shipped; older ones mostly delivered, about 8 %
 * cancelled (a paid one refunded) and 4 % delivered then refunded. Paid orders are marked paid.
 */
function settle(placed: Order, at: Date, end: Date, rnd: () => number): Order {
  const ageDays = (end.getTime() - at.getTime()) / DAY_MS;
  const r = rnd();
  let path: readonly OrderStatus[];
  let refunded = false;
  if (ageDays < 2) path = RECENT.slice(0, Math.floor(r * 3));
  else if (ageDays < 5) path = SHIPPING.slice(0, 1 + Math.floor(r * 3));
  else if (r < 0.08) path = rnd() < 0.5 ? ['cancelled'] : ['confirmed', 'cancelled'];
  else {
    path = ['confirmed', 'processing', 'shipped', 'delivered'];
    refunded = r > 0.96;
  }
  const steps = [1, 20, 40, 70].map((h) => h * HOUR_MS);
  let order = placed;
  path.forEach((to, i) => {
    const when = new Date(Math.min(at.getTime() + steps[i]!, end.getTime()));
    const moved = changeStatus(order, { to, by: 'synthetic', at: when });
    if (moved.isErr()) throw new Error(moved.error.message);
    order = moved.value.order;
  });
  const paid = order.status !== 'pending' && !(order.status === 'cancelled' && path.length === 1);
  if (!paid) return order;
  const paidAt = new Date(Math.min(at.getTime() + 10 * 60_000, end.getTime()));
  const paymentId = `pay_synthetic_${order.id}`;
  order = { ...order, paymentStatus: 'completed', paidAt, paymentInfo: { ...order.paymentInfo, paymentId } };
  if (order.status === 'cancelled' || refunded) {
    const refundedAt = new Date(Math.min(at.getTime() + 100 * HOUR_MS, end.getTime()));
    order = { ...order, paymentStatus: 'refunded', refundedAt, refundAmount: order.total };
  }
  return order;
}
