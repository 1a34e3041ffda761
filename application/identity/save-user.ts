import type { Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { User } from '../../domain/identity/user.js';
import { retryOnConflict, UNCHANGED } from '../shared/retry-on-conflict.js';
import type { UserRepository } from './ports.js';

const ATTEMPTS = 5;

export const userNotFound = (): DomainError => domainError('NOT_FOUND', 'User not found');

/**
 * Load, change (pure), save with the optimistic version; on CONFLICT (someone saved in between)
 * reload and apply the change again. The change sees the freshest user each time.
 */
export async function modifyUser(
  users: UserRepository,
  userId: string,
  change: (user: User) => Result<User, DomainError>,
): Promise<Result<User, DomainError>> {
  const run = await retryOnConflict({
    load: () => users.findById(userId),
    notFound: userNotFound,
    change: (user) => change(user).map((next) => (next === user ? UNCHANGED : next)),
    save: (next) => users.update(next),
    attempts: ATTEMPTS,
  });
  return run.map((r) => (r.changed ? r.saved : r.current));
}
