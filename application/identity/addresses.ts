import type { Result } from '../../domain/shared/result.js';
import { Ok } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import {
  addAddress,
  removeAddress,
  updateAddress,
  type Address,
  type AddressInput,
  type User,
} from '../../domain/identity/user.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import type { UserRepository } from './ports.js';
import { modifyUser } from './save-user.js';

export class AddAddress {
  constructor(
    private readonly users: UserRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(
    input: { userId: string } & AddressInput,
  ): Promise<Result<{ user: User; address: Address }, DomainError>> {
    const { userId, ...fields } = input;
    const id = this.ids.next();
    const saved = await modifyUser(this.users, userId, (u) => addAddress(u, fields, id, this.clock.now()));
    return saved.map((user) => ({ user, address: user.addresses.find((a) => a.id === id)! }));
  }
}

export class UpdateAddress {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  execute(input: { userId: string; addressId: string } & AddressInput): Promise<Result<User, DomainError>> {
    const { userId, addressId, ...patch } = input;
    return modifyUser(this.users, userId, (u) => updateAddress(u, addressId, patch, this.clock.now()));
  }
}

export class RemoveAddress {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  execute(input: { userId: string; addressId: string }): Promise<Result<User, DomainError>> {
    return modifyUser(this.users, input.userId, (u) =>
      Ok(removeAddress(u, input.addressId, this.clock.now())),
    );
  }
}
