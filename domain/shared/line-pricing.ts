import { domainError, type DomainError } from './errors.js';
import type { Money } from './money.js';
import { Err, Ok, type Result } from './result.js';

/*
 * Line pricing: the one home of the rules a cart line, an order line and a promotion agree on.
 * It lives in the shared kernel, not in catalog, cart or ordering, so that each of those contexts
 * (and promotions) depends only on it and never on one another: the shapes below are structural
 * (a Product, a CartItem and an OrderLine all fit them), and nothing here imports a context.
 *
 * - An option (size or vase) is chosen by name, case- and surrounding-space-insensitively, and
 *   stored under the offering's own spelling and price (UNKNOWN_OPTION otherwise). A choice made
 *   earlier (a cart line) keeps its stored name and price when the product no longer offers it.
 * - line total = (unit price + size price + vase price) * quantity, in integer minor units.
 * - A promotion sees each priced line as its product's category and its line total.
 */

export type OptionKind = 'size' | 'vase';

/** A chosen size or vase with its price. */
export interface ChosenOption {
  readonly name: string;
  readonly price: Money;
}

/** What offers options: a product's name and its sizes and vases. */
export interface OptionOffer {
  readonly name: string;
  readonly sizes: readonly ChosenOption[];
  readonly vases: readonly ChosenOption[];
}

/** The part of a line its price depends on. */
export interface PricedLine {
  readonly unitPrice: Money;
  readonly quantity: number;
  readonly size?: { readonly price: Money };
  readonly vase?: { readonly price: Money };
}

/** A priced line as a promotion sees it. */
export interface PromoLine {
  readonly categoryId: string;
  readonly total: Money;
}

const optionKey = (name: string): string => name.trim().toLowerCase();

/** The offered option called `name` (case- and surrounding-space-insensitive). */
export function findOption<O extends { readonly name: string }>(
  options: readonly O[],
  name: string,
): O | undefined {
  const wanted = optionKey(name);
  return options.find((o) => optionKey(o.name) === wanted);
}

export function unknownOption(offer: Pick<OptionOffer, 'name'>, kind: OptionKind, name: string): DomainError {
  return domainError('UNKNOWN_OPTION', `Unknown ${kind} '${name}' for product '${offer.name}'`, {
    option: kind,
    name,
  });
}

/**
 * Chooses the `kind` option called `name` from what `offer` offers: its spelling and price. No
 * name (absent or blank) is no option. When the offer has no such option, `fallback` (a choice
 * stored earlier) stands; without one, UNKNOWN_OPTION naming the option.
 */
export function chooseOption(
  offer: OptionOffer,
  kind: OptionKind,
  name: string | undefined,
  fallback?: ChosenOption,
): Result<ChosenOption | undefined, DomainError> {
  if (name === undefined || name.trim() === '') return Ok(undefined);
  const option = findOption(kind === 'size' ? offer.sizes : offer.vases, name);
  if (option) return Ok({ name: option.name, price: option.price });
  if (fallback) return Ok({ name: fallback.name, price: fallback.price });
  return Err(unknownOption(offer, kind, name));
}

/**
 * A stored choice re-read from the current offering: the offered price under the stored name,
 * or the stored choice itself (same object) when the price is unchanged or the option is gone.
 */
export function repriceOption(
  chosen: ChosenOption | undefined,
  options: readonly ChosenOption[],
): ChosenOption | undefined {
  if (!chosen) return undefined;
  const current = findOption(options, chosen.name);
  return current && current.price !== chosen.price ? { name: chosen.name, price: current.price } : chosen;
}

/** A line as stored by a cart: its base price and the options chosen when it was added. */
export interface ChosenLine {
  readonly unitPrice: Money;
  readonly size?: ChosenOption;
  readonly vase?: ChosenOption;
}

/**
 * The line re-priced from its product's current base and option prices (an option the product no
 * longer offers keeps its stored price); the same object when nothing changed.
 */
export function repriceLine<L extends ChosenLine>(
  line: L,
  product: {
    readonly price: Money;
    readonly sizes: readonly ChosenOption[];
    readonly vases: readonly ChosenOption[];
  },
): L {
  const size = repriceOption(line.size, product.sizes);
  const vase = repriceOption(line.vase, product.vases);
  if (line.unitPrice === product.price && size === line.size && vase === line.vase) return line;
  return { ...line, unitPrice: product.price, ...(size ? { size } : {}), ...(vase ? { vase } : {}) };
}

/** Unit price of a line including its add-ons, in minor units. */
export function lineUnitPrice(line: PricedLine): Money {
  return line.unitPrice + (line.size?.price ?? 0) + (line.vase?.price ?? 0);
}

/** (unit price + size add-on + vase add-on) x quantity. */
export function lineTotal(line: PricedLine): Money {
  return lineUnitPrice(line) * line.quantity;
}

/**
 * The promo lines of priced lines: each line's total under its product's category ('' when it
 * has none). A line whose product is not in `products` (gone from the catalog) is left out.
 */
export function promoLines(
  lines: readonly (PricedLine & { readonly productId: string })[],
  products: ReadonlyMap<string, { readonly categoryId?: string | null }>,
): PromoLine[] {
  return lines.flatMap((line) => {
    const product = products.get(line.productId);
    return product ? [{ categoryId: product.categoryId ?? '', total: lineTotal(line) }] : [];
  });
}
