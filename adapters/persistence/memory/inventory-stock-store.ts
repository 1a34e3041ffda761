import type { StockStore } from '../../../application/inventory/ports.js';
import type { Product } from '../../../domain/catalog/product.js';
import type { MovementMeta } from '../../../domain/inventory/movement.js';
import { InMemoryProductRows } from './catalog-product-repository.js';

/**
 * Stock on the products of the shared memory store (the catalog's `products` collection, with the
 * reservation markers beside it). Every method reads and writes without awaiting in between, so
 * each is atomic on Node's single thread (the stock guards rely on it).
 */
export class MemoryStockStore extends InMemoryProductRows implements StockStore {
  async reserveStock(productId: string, quantity: number, reservationId: string): Promise<boolean> {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return false;
    const p = this.rows.get(productId);
    if (!p || !p.inventory.isAvailable || p.inventory.stock < quantity) return false;
    const held = this.held.get(productId) ?? [];
    if (held.includes(reservationId)) return false;
    this.rows.set(productId, this.withStock(p, p.inventory.stock - quantity));
    this.held.set(productId, [...held, reservationId]);
    this.record(productId, -quantity, 'sale', { actor: 'checkout', reference: reservationId });
    return true;
  }

  async commitReservation(productId: string, reservationId: string): Promise<boolean> {
    return this.forget(productId, reservationId);
  }

  async releaseReservation(productId: string, reservationId: string, quantity: number): Promise<boolean> {
    const p = this.rows.get(productId);
    if (!p || !this.forget(productId, reservationId)) return false;
    if (Number.isSafeInteger(quantity) && quantity > 0) {
      this.rows.set(productId, this.withStock(p, p.inventory.stock + quantity));
      this.record(productId, quantity, 'reservation_release', {
        actor: 'checkout',
        reference: reservationId,
      });
    }
    return true;
  }

  async pendingReservations(productId: string): Promise<string[]> {
    return [...(this.held.get(productId) ?? [])];
  }

  async releaseStock(productId: string, quantity: number, meta?: MovementMeta): Promise<void> {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return;
    const p = this.rows.get(productId);
    if (!p) return;
    this.rows.set(productId, this.withStock(p, p.inventory.stock + quantity));
    this.record(productId, quantity, 'cancellation', meta);
  }

  async setStock(productId: string, stock: number, meta?: MovementMeta): Promise<boolean> {
    if (!Number.isSafeInteger(stock) || stock < 0) return false;
    const p = this.rows.get(productId);
    if (!p) return false;
    this.rows.set(productId, this.withStock(p, stock));
    this.record(productId, stock - p.inventory.stock, 'adjustment', meta);
    return true;
  }

  async adjustStock(
    productId: string,
    delta: number,
    meta?: MovementMeta,
  ): Promise<{ ok: true; before: number; after: number } | { ok: false; reason: 'not_found' | 'negative' }> {
    const p = this.rows.get(productId);
    if (!p) return { ok: false, reason: 'not_found' };
    const before = p.inventory.stock;
    if (!Number.isSafeInteger(delta) || before + delta < 0) return { ok: false, reason: 'negative' };
    this.rows.set(productId, this.withStock(p, before + delta));
    this.record(productId, delta, 'adjustment', meta);
    return { ok: true, before, after: before + delta };
  }

  /** Removes the marker; true when it was there. */
  private forget(productId: string, reservationId: string): boolean {
    const held = this.held.get(productId);
    if (!held?.includes(reservationId)) return false;
    const rest = held.filter((r) => r !== reservationId);
    if (rest.length === 0) this.held.delete(productId);
    else this.held.set(productId, rest);
    return true;
  }

  /** Stock changes bump the version, so an admin edit read before a checkout cannot undo it. */
  private withStock(p: Product, stock: number): Product {
    return { ...p, inventory: { ...p.inventory, stock }, version: p.version + 1 };
  }
}
