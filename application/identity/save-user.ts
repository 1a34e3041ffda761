import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { User } from '../../domain/identity/user.js';
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
  let last: DomainError = userNotFound();
  for (let i = 0; i < ATTEMPTS; i += 1) {
    const user = await users.findById(userId);
    if (!user) return Err(userNotFound());
    const changed = change(user);
    if (changed.isErr()) return changed;
    if (changed.value === user) return Ok(user);
    const saved = await users.update(changed.value);
    if (saved.isOk() || saved.error.code !== 'CONFLICT') return saved;
    last = saved.error;
  }
  return Err(last);
}
