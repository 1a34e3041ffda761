import type { OrderLine } from '../../domain/ordering/order.js';
import type { ProductRepository } from '../catalog/ports.js';

/** One stock movement per product: lines of the same product are summed, in product-id order. */
export interface StockNeed {
  readonly productId: string;
  readonly quantity: number;
  /** The first line's name, for messages. */
  readonly name: string;
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

/** Puts every need back (compensation and cancellation). */
export async function releaseAll(products: ProductRepository, needs: readonly StockNeed[]): Promise<void> {
  for (const need of needs) await products.releaseStock(need.productId, need.quantity);
}

/**
 * Takes stock for every need with the repository's guarded decrement. When one cannot be taken,
 * the ones already taken are put back and the missing need is answered; null when all were taken.
 */
export async function reserveAll(
  products: ProductRepository,
  needs: readonly StockNeed[],
): Promise<StockNeed | null> {
  const taken: StockNeed[] = [];
  try {
    for (const need of needs) {
      if (!(await products.reserveStock(need.productId, need.quantity))) {
        await releaseAll(products, taken);
        return need;
      }
      taken.push(need);
    }
  } catch (error) {
    await releaseAll(products, taken);
    throw error;
  }
  return null;
}
