import type { Cache } from '../../application/shared/ports.js';

interface Entry {
  readonly value: unknown;
  readonly expiresAt: number;
}

/**
 * The process's own cache (embedded default). Values are kept by reference: the cached answers
 * are immutable domain data. Each namespace holds at most `maxEntries` (oldest dropped first).
 */
export class MemoryCache implements Cache {
  private readonly spaces = new Map<string, Map<string, Entry>>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly maxEntries = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  private space(namespace: string): Map<string, Entry> {
    let space = this.spaces.get(namespace);
    if (!space) {
      space = new Map();
      this.spaces.set(namespace, space);
    }
    return space;
  }

  private read<T>(space: Map<string, Entry>, key: string): T | undefined {
    const entry = space.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      space.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  private write(space: Map<string, Entry>, key: string, value: unknown, ttlSeconds: number): void {
    space.delete(key);
    space.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    while (space.size > this.maxEntries) {
      const oldest = space.keys().next().value as string;
      space.delete(oldest);
    }
  }

  async get<T>(namespace: string, key: string): Promise<T | undefined> {
    return this.read<T>(this.space(namespace), key);
  }

  async set<T>(namespace: string, key: string, value: T, ttlSeconds: number): Promise<void> {
    this.write(this.space(namespace), key, value, ttlSeconds);
  }

  async remember<T>(
    namespace: string,
    key: string,
    ttlSeconds: number,
    compute: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const space = this.space(namespace);
    const hit = this.read<T>(space, key);
    if (hit !== undefined) return hit;
    const value = await compute();
    // An invalidation during compute replaced the namespace: the value may be stale, keep it out.
    if (value !== undefined && this.spaces.get(namespace) === space)
      this.write(space, key, value, ttlSeconds);
    return value;
  }

  async invalidate(namespace: string): Promise<void> {
    this.spaces.delete(namespace);
    this.generations.set(namespace, (this.generations.get(namespace) ?? 0) + 1);
  }

  async generation(namespace: string): Promise<string | undefined> {
    return this.localGeneration(namespace);
  }

  localGeneration(namespace: string): string {
    return String(this.generations.get(namespace) ?? 0);
  }
}

/** No cache at all: every read computes (several instances on Mongo without Redis). */
export class NoCache implements Cache {
  async get<T>(): Promise<T | undefined> {
    return undefined;
  }
  async set(): Promise<void> {}
  async remember<T>(
    _namespace: string,
    _key: string,
    _ttlSeconds: number,
    compute: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    return compute();
  }
  async invalidate(): Promise<void> {}
  /** Never known: nothing may be cached by generation either. */
  async generation(): Promise<string | undefined> {
    return undefined;
  }
  localGeneration(): undefined {
    return undefined;
  }
}
