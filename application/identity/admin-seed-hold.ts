import type { StartupHold } from '../shared/ports.js';

/**
 * Holds the users port while the configured admin account is created after listening
 * (EnsureAdminAccount runs after the process listens: its bcrypt hash, on a worker thread, was
 * about 100 ms of the start). From `hold()` until `release()` every call through `guard(users)`
 * waits, so a login, a registration or an email change naming the admin's address never runs
 * before the account exists; the seed itself uses `unguarded(users)`. Released, calls go straight
 * through.
 */
export class AdminSeedHold implements StartupHold {
  private held: Promise<void> | null = null;
  private open: (() => void) | null = null;
  private readonly targets = new WeakMap<object, object>();

  hold(): void {
    if (this.held) return;
    this.held = new Promise<void>((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open?.();
    this.held = null;
    this.open = null;
  }

  /**
   * `users` whose method calls wait while held. A Proxy, like the catalog's invalidating
   * repositories: the adapter's class (instanceof) and its other members stay as they are.
   */
  guard<T extends object>(users: T): T {
    // Keyed by the method itself, so a method replaced on the repository (a test stub) is wrapped afresh.
    const wrapped = new WeakMap<object, unknown>();
    const proxy = new Proxy(users, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        let fn = wrapped.get(value);
        if (!fn) {
          const method = value as (...args: unknown[]) => unknown;
          fn = (...args: unknown[]) =>
            this.held ? this.held.then(() => method.apply(target, args)) : method.apply(target, args);
          wrapped.set(value, fn);
        }
        return fn;
      },
    });
    this.targets.set(proxy, users);
    return proxy;
  }

  /** What `guard` was given: the store itself, for the seed's own calls. */
  unguarded<T extends object>(users: T): T {
    return (this.targets.get(users) as T | undefined) ?? users;
  }
}
