/* eslint-disable @typescript-eslint/no-explicit-any -- constructors of any arity are the point here */
import type { Container, ServiceIdentifier } from 'inversify';

/**
 * Binds `id` to one instance of `Class` built from `deps` (resolved from the container). Keeps
 * application/ free of decorators: use cases are plain classes whose constructors take ports.
 */
export function bindClass<T>(
  container: Container,
  id: ServiceIdentifier<T>,
  Class: new (...args: any[]) => T,
  deps: readonly ServiceIdentifier[] = [],
): void {
  container
    .bind<T>(id)
    .toResolvedValue((...args: any[]) => new Class(...args), [...deps])
    .inSingletonScope();
}

/** A use case bound under its own class. */
export function bindUseCase<T>(
  container: Container,
  UseCase: new (...args: any[]) => T,
  deps: readonly ServiceIdentifier[] = [],
): void {
  bindClass(container, UseCase, UseCase, deps);
}
