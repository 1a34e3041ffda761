import type { RecipientRateLimit } from '../../application/notifications/ports.js';

/** Fixed windows per key, in this process (the embedded default; one instance). */
export class MemoryRecipientRateLimit implements RecipientRateLimit {
  private readonly windows = new Map<string, { readonly start: number; count: number }>();

  async take(key: string, max: number, windowMs: number, now: Date): Promise<boolean> {
    const at = now.getTime();
    const start = at - (at % windowMs);
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      if (this.windows.size > 100_000) this.sweep(start);
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count <= max;
  }

  /** Forgets the windows that ended (bounded memory under many recipients). */
  private sweep(current: number): void {
    for (const [key, w] of this.windows) if (w.start !== current) this.windows.delete(key);
  }
}
