import type { Container, ServiceIdentifier } from 'inversify';
import { STARTUP_TASK, type StartupTask } from '../../application/shared/ports.js';

/**
 * A startup task that only depends on the given Mongo-backed ports. Startup tasks are all
 * resolved before the first one runs, so this builds those repositories (registering their
 * mongoose models, hence their declared indexes) before the infrastructure task calls
 * `ensureIndexes`: the unique indexes the repositories rely on exist before the first request.
 */
export function bindMongoRepositoriesAtStart(
  container: Container,
  context: string,
  tokens: readonly ServiceIdentifier[],
): void {
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue(
      (..._repositories: unknown[]): StartupTask => ({
        name: `mongo: ${context} repositories registered`,
        run: async () => undefined,
      }),
      [...tokens],
    )
    .inSingletonScope();
}
