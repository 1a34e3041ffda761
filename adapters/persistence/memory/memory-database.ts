/**
 * The embedded default's store: named collections of immutable records. Repositories are views
 * over it, so two ports over the same data (users and wishlists, products and stock) see one
 * truth. Records are replaced, never mutated in place; every repository method reads and writes
 * without awaiting in between, which makes each method atomic on Node's single thread.
 */
export class MemoryDatabase {
  private readonly collections = new Map<string, Map<string, unknown>>();

  collection<T>(name: string): Map<string, T> {
    let c = this.collections.get(name);
    if (!c) {
      c = new Map<string, unknown>();
      this.collections.set(name, c);
    }
    return c as Map<string, T>;
  }
}
