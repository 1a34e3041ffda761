import { createUser, type User } from '../../../domain/identity/user.js';
import { FIXED_NOW, testId } from '../../support/kit.js';

export { useMongo, type MongoFixture } from '../../support/mongo.js';

/** A fresh valid user (version 0, unique id and email). */
export function newUser(overrides: Partial<User> = {}): User {
  return {
    ...createUser({
      id: testId(),
      fullName: 'Asha Rao',
      email: `asha.${testId()}@example.com`,
      passwordHash: '$2a$04$hash',
      now: FIXED_NOW,
    }),
    ...overrides,
  };
}
