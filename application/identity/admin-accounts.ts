import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import {
  assignRole,
  changePassword,
  createUser,
  normalizeEmail,
  promoteToAdmin,
  setActive,
  validatePassword,
  validateRegistration,
  type Role,
  type User,
} from '../../domain/identity/user.js';
import type {
  AppLogger,
  Clock,
  IdGenerator,
  RandomSource,
  StartupHold,
  StartupTask,
} from '../shared/ports.js';
import type { IdentitySettings, PasswordHasher, UserRepository } from './ports.js';
import { modifyUser, userNotFound } from './save-user.js';
import { withHasher } from './hashing.js';

export interface CreateAdminInput {
  readonly email: string;
  readonly fullName: string;
  /**
   * Required to create an account. For an existing account it is optional: when given, it
   * becomes the account's password (older tokens stop working); when not, the password is kept.
   */
  readonly password?: string;
}

/** For the CLI `create-admin`: creates an admin, or promotes (and re-activates) an existing user. */
export class CreateAdmin {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(input: CreateAdminInput): Promise<Result<{ user: User; created: boolean }, DomainError>> {
    const existing = await this.users.findByEmail(normalizeEmail(input.email));
    if (existing) {
      let hash: string | undefined;
      if (input.password !== undefined) {
        const valid = validatePassword(input.password);
        if (valid.isErr()) return valid;
        const hashed = await withHasher(() => this.hasher.hash(input.password!));
        if (hashed.isErr()) return hashed;
        hash = hashed.value;
      }
      const now = this.clock.now();
      const saved = await modifyUser(this.users, existing.id, (u) => {
        let next = setActive(promoteToAdmin(u, now), true, now);
        if (hash !== undefined) next = changePassword(next, hash, now);
        return Ok(next);
      });
      return saved.map((user) => ({ user, created: false }));
    }
    const valid = validateRegistration({
      fullName: input.fullName,
      email: input.email,
      password: input.password ?? '',
    });
    if (valid.isErr()) return valid;
    const hashed = await withHasher(() => this.hasher.hash(input.password!));
    if (hashed.isErr()) return hashed;
    const passwordHash = hashed.value;
    const created = await this.users.create(
      createUser({ ...valid.value, id: this.ids.next(), passwordHash, role: 'admin', now: this.clock.now() }),
    );
    return created.map((user) => ({ user, created: true }));
  }
}

/** Activates or deactivates an account (a deactivated user's tokens answer 401 deactivated). */
export class SetUserActive {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  execute(input: { userId: string; isActive: boolean }): Promise<Result<User, DomainError>> {
    return modifyUser(this.users, input.userId, (u) => Ok(setActive(u, input.isActive, this.clock.now())));
  }
}

/**
 * Startup: make sure the configured admin account exists. An existing account with that email is
 * left alone (never promoted silently: the email might have been registered by someone else).
 * Without a configured password one is generated; it is logged once outside production only.
 * Given `afterListening` (the API: AdminSeedHold), it runs after the process listens and the
 * users port's other callers wait for it; `users` and `createAdmin` then use the store itself.
 */
export class EnsureAdminAccount implements StartupTask {
  readonly name = 'identity:ensure-admin';

  constructor(
    private readonly users: UserRepository,
    private readonly createAdmin: CreateAdmin,
    private readonly random: RandomSource,
    private readonly logger: AppLogger,
    private readonly settings: IdentitySettings,
    readonly afterListening?: StartupHold,
  ) {}

  async run(): Promise<void> {
    const email = normalizeEmail(this.settings.adminEmail);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      if (existing.role !== 'admin') {
        this.logger.warn('the configured admin email belongs to a non-admin account; left unchanged', {
          email,
        });
      }
      return;
    }
    const generated = this.settings.adminPassword === undefined;
    const password = this.settings.adminPassword ?? this.random.hex(12);
    const result = await this.createAdmin.execute({ email, fullName: 'Administrator', password });
    if (result.isErr()) {
      this.logger.error('could not create the admin account', { email, error: result.error.message });
      return;
    }
    if (generated && this.settings.revealGeneratedAdminPassword) {
      // Development only; a distinct field name, because the logger redacts `password` fields.
      this.logger.warn(
        'created the admin account with a generated password (set ADMIN_PASSWORD to choose one)',
        { email, generatedPassword: password },
      );
    } else if (generated) {
      // Production: the password never reaches the log; nobody knows it until it is set.
      this.logger.warn(
        'created the admin account with a random password that is not logged: set it with ' +
          '`npm run cli -- create-admin --email <email> --name Administrator --password <password>` ' +
          '(or set ADMIN_PASSWORD before the first start)',
        { email },
      );
    } else {
      this.logger.info('created the admin account', { email });
    }
  }
}

export interface SetUserRoleInput {
  /** The user's id, or (CLI) their email. */
  readonly user: string;
  readonly role: Role;
}

/**
 * Grants a role (admin API `PUT /admin/users/:id/role`, CLI `user:role`): the only ways a role
 * changes besides `create-admin`. Registration and profile updates never carry one.
 */
export class SetUserRole {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: SetUserRoleInput): Promise<Result<User, DomainError>> {
    const id = input.user.includes('@')
      ? (await this.users.findByEmail(normalizeEmail(input.user)))?.id
      : input.user;
    if (id === undefined) return Err(userNotFound());
    return modifyUser(this.users, id, (u) => Ok(assignRole(u, input.role, this.clock.now())));
  }
}
