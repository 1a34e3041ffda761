import type { OrderLine } from '../../domain/ordering/order.js';
import type { ProductRepository } from '../catalog/ports.js';
import type { MovementMeta } from '../../domain/inventory/movement.js';

/** One stock movement per product: lines of the same product are summed, in product-id order. */
export interface StockNeed {
  readonly productId: string;
  readonly quantity: number;
  /** The first line's name, for messages. */
  readonly name: string;
}

/** A need taken (or to be taken) under a reservation id, the marker the product carries meanwhile. */
export interface HeldStock extends StockNeed {
  readonly reservationId: string;
}

export function stockNeeds(
  lines: readonly Pick<OrderLine, 'productId' | 'quantity' | 'name'>[],
): StockNeed[] {
  const byProduct = new Map<string, StockNeed>();
  for (const line of lines) {
    const seen = byProduct.get(line.productId);
    byProduct.set(line.productId, {
      productId: line.productId,
      name: seen?.name ?? line.name,
      quantity: (seen?.quantity ?? 0) + line.quantity,
    });
  }
  // A fixed order, so concurrent orders always take stock in the same sequence.
  return [...byProduct.values()].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}

/**
 * Puts every need back by quantity (cancellation, refund: stock that an order had kept); `meta`
 * names the order and who did it on the ledger's `cancellation` movements.
 */
export async function releaseAll(
  products: ProductRepository,
  needs: readonly StockNeed[],
  meta?: MovementMeta,
): Promise<void> {
  for (const need of needs) await products.releaseStock(need.productId, need.quantity, meta);
}

/**
 * Puts back what each reservation holds. Guarded by the product's marker, so a reservation that
 * was never taken, or was already committed or released, changes nothing.
 */
export async function releaseHeld(products: ProductRepository, held: readonly HeldStock[]): Promise<void> {
  for (const h of held) await products.releaseReservation(h.productId, h.reservationId, h.quantity);
}

/**
 * Takes stock for every need with the repository's guarded decrement, each under its reservation
 * id. When one cannot be taken, the ones already taken are put back and the missing need is
 * answered; null when all were taken. When a call throws, every reservation up to the failing one
 * is released (the failing one may have been applied before the error) and the error rethrown.
 */
export async function reserveAll(
  products: ProductRepository,
  held: readonly HeldStock[],
): Promise<StockNeed | null> {
  for (let i = 0; i < held.length; i++) {
    const h = held[i]!;
    let taken: boolean;
    try {
      taken = await products.reserveStock(h.productId, h.quantity, h.reservationId);
    } catch (error) {
      await releaseHeld(products, held.slice(0, i + 1));
      throw error;
    }
    if (!taken) {
      await releaseHeld(products, held.slice(0, i));
      return h;
    }
  }
  return null;
}
