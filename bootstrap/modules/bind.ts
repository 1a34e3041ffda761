/* eslint-disable @typescript-eslint/no-explicit-any -- constructor types of any arity are the point here */
import type { Container } from 'inversify';
import type { Token } from '../../application/shared/token.js';

/** A class bound under itself (use cases, MemoryDatabase): it is its own typed token. */
export type ClassToken<T> = abstract new (...args: any[]) => T;

/** What the container resolves to a `T`: a typed token, or a class bound as its own token. */
export type Dependency<T> = Token<T> | ClassToken<T>;

/**
 * The dependencies of a constructor taking `Params`, position by position: each must resolve to
 * its parameter's type, so a missing, extra, swapped or wrong dependency fails `tsc`. Optional
 * trailing parameters may be left out.
 */
export type Dependencies<Params extends readonly unknown[]> = {
  readonly [K in keyof Params]: Dependency<Params[K]>;
};

/**
 * Binds `id` to one instance of `Class` built from `deps` (resolved from the container). Keeps
 * application/ free of decorators: use cases are plain classes whose constructors take ports.
 */
export function bindClass<T, Params extends unknown[]>(
  container: Container,
  id: Dependency<T>,
  Class: new (...args: Params) => T,
  deps: NoInfer<Dependencies<Params>>,
): void {
  container
    .bind<T>(id)
    .toResolvedValue((...args: any[]) => new Class(...(args as Params)), [...(deps as Dependency<unknown>[])])
    .inSingletonScope();
}

/** A use case bound under its own class. */
export function bindUseCase<T, Params extends unknown[]>(
  container: Container,
  UseCase: new (...args: Params) => T,
  deps: NoInfer<Dependencies<Params>>,
): void {
  bindClass(container, UseCase, UseCase, deps);
}

/**
 * An adapter module imported before binding because config selects it (see loadAdapters in
 * bootstrap/container.ts); null means the loader was not asked for it, a wiring bug.
 */
export function loaded<T>(module: T | null, what: string): T {
  if (module === null) throw new Error(`${what} was selected by config but not loaded before binding`);
  return module;
}
