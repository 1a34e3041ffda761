import { VerifyAuditChain } from '../../application/identity/audit-chain.js';
import { ExportAuditLog, ListAuditLog } from '../../application/identity/audit-listing.js';
import { createHash } from 'node:crypto';
import type { Container } from 'inversify';
import { IssuePasswordReset, ResetLinks } from '../../application/identity/reset-links.js';
import {
  API_KEY_STORE,
  ACCOUNT_LOGIN_THROTTLE,
  IP_LOGIN_THROTTLE,
  AUDIT_LOG,
  AUTHENTICATOR,
  BACKGROUND_TASKS,
  IDENTITY_SETTINGS,
  LOGIN_THROTTLE,
  MFA_CHALLENGE_STORE,
  MFA_SETTINGS,
  TOTP_AUTHENTICATOR,
  type MfaSettings,
  PASSWORD_HASHER,
  PASSWORD_RESET_STORE,
  SECRET_DIGEST,
  SESSION_ISSUER,
  SESSION_STORE,
  SIGNING_KEYS,
  TOKEN_REVOCATION_STORE,
  TOKEN_SERVICE,
  USER_REPOSITORY,
  type IdentitySettings,
  type PasswordHasher,
  type UserRepository,
} from '../../application/identity/ports.js';
import { AdminSeedHold } from '../../application/identity/admin-seed-hold.js';
import {
  APP_LOGGER,
  CLOCK,
  EVENT_BUS,
  ID_GENERATOR,
  RANDOM_SOURCE,
  STARTUP_TASK,
  type AppLogger,
  type Clock,
  type IdGenerator,
  type RandomSource,
  type StartupTask,
} from '../../application/shared/ports.js';
import { TokenAuthenticator } from '../../application/identity/authenticator.js';
import {
  AUDIT_TRAIL_SETTINGS,
  AuditTrail,
  type AuditTrailSettings,
} from '../../application/identity/audit-trail.js';
import { LoginUser, Logout, RegisterUser } from '../../application/identity/sessions.js';
import {
  ListSessions,
  RefreshSession,
  RevokeAllSessions,
  RevokeSession,
  StoredSessions,
} from '../../application/identity/session-store.js';
import {
  AuthenticateApiKey,
  CreateApiKey,
  ListApiKeys,
  RevokeApiKey,
} from '../../application/identity/api-keys.js';
import { HmacSigningKeys } from '../../adapters/security/hmac-signing-keys.js';
import { OtpauthTotp } from '../../adapters/security/otpauth-totp.js';
import {
  CompleteMfaChallenge,
  DisableMfa,
  MfaChallenges,
  SecondFactorCheck,
  SetupMfa,
  VerifyMfa,
} from '../../application/identity/mfa.js';
import {
  ForgotPassword,
  ResetPassword,
  RecordSearch,
  UpdateDetails,
  UpdatePassword,
  UpdatePreferences,
} from '../../application/identity/account.js';
import { AddAddress, RemoveAddress, UpdateAddress } from '../../application/identity/addresses.js';
import {
  CreateAdmin,
  EnsureAdminAccount,
  SetUserActive,
  SetUserRole,
} from '../../application/identity/admin-accounts.js';
import { JwtTokenService } from '../../adapters/security/jwt-token-service.js';
import { BcryptPasswordHasher } from '../../adapters/security/bcrypt-password-hasher.js';
import { Sha256Digest } from '../../adapters/security/sha256-digest.js';
import { InProcessBackgroundTasks } from '../../adapters/system/background-tasks.js';
import type { Config } from '../config.js';
import { bindClass, bindUseCase } from './bind.js';

export const RESET_TOKEN_TTL_MS = 60 * 60_000;
/** What authenticator apps show beside the account; a login challenge lasts 5 minutes. */
export const MFA_ISSUER = 'Amour Florals';
export const MFA_CHALLENGE_TTL_MS = 5 * 60_000;

export function bindIdentity(container: Container, config: Config): void {
  const settings: IdentitySettings = {
    frontendUrl: config.frontendUrl,
    resetTokenTtlMs: RESET_TOKEN_TTL_MS,
    // Reset links are derived with a key of their own, made from the signing secret (every
    // instance shares JWT_SECRET; a generated one is per process, like the sessions it signs).
    resetLinkKey: createHash('sha256').update(`reset-links\u0000${config.jwt.secret}`).digest('hex'),
    adminEmail: config.admin.email,
    adminPassword: config.admin.password,
    revealGeneratedAdminPassword: config.admin.revealGeneratedPassword,
    logoutGraceMs: config.logoutGraceMs,
    maxConcurrentLoginsPerIp: config.loginThrottle.maxConcurrentPerIp,
  };
  container.bind(IDENTITY_SETTINGS).toConstantValue(settings);

  // driven adapters
  container
    .bind(TOKEN_SERVICE)
    .toConstantValue(new JwtTokenService(config.jwt.secret, config.jwt.expiresInSeconds));
  container
    .bind<BcryptPasswordHasher>(PASSWORD_HASHER)
    .toResolvedValue(
      () => new BcryptPasswordHasher(config.bcryptRounds, config.hashWorkers, config.hashQueueMax),
    )
    .inSingletonScope()
    .onDeactivation((hasher) => hasher.close());
  container.bind(SECRET_DIGEST).toConstantValue(new Sha256Digest());
  // Request-signing keys, derived (like reset links) from the token signing secret.
  container
    .bind(SIGNING_KEYS)
    .toConstantValue(
      new HmacSigningKeys(
        createHash('sha256').update(`request-signing\u0000${config.jwt.secret}`).digest('hex'),
      ),
    );
  // Every sign-in is a stored session (SESSION_STORE: memory or MongoDB, the PERSISTENCE table).
  bindClass(container, SESSION_ISSUER, StoredSessions, [
    SESSION_STORE,
    USER_REPOSITORY,
    TOKEN_SERVICE,
    SECRET_DIGEST,
    ID_GENERATOR,
    RANDOM_SOURCE,
  ]);
  bindUseCase(container, RefreshSession, [
    SESSION_STORE,
    USER_REPOSITORY,
    TOKEN_SERVICE,
    SECRET_DIGEST,
    RANDOM_SOURCE,
    CLOCK,
  ]);
  bindUseCase(container, ListSessions, [SESSION_STORE, USER_REPOSITORY]);
  bindUseCase(container, RevokeSession, [SESSION_STORE, CLOCK]);
  bindUseCase(container, RevokeAllSessions, [SESSION_STORE, CLOCK]);
  container
    .bind<InProcessBackgroundTasks>(BACKGROUND_TASKS)
    .toResolvedValue((logger: AppLogger) => new InProcessBackgroundTasks(logger), [APP_LOGGER])
    .inSingletonScope()
    .onDeactivation((tasks) => tasks.drain());

  const auditTrail: AuditTrailSettings = {
    rejectedPerSourceMax: config.auditRejected.perSourceMax,
    rejectedMax: config.auditRejected.max,
    windowMs: config.auditRejected.windowMs,
  };
  container.bind(AUDIT_TRAIL_SETTINGS).toConstantValue(auditTrail);
  bindUseCase(container, AuditTrail, [AUDIT_LOG, CLOCK, AUDIT_TRAIL_SETTINGS]);
  bindUseCase(container, VerifyAuditChain, [AUDIT_LOG, SECRET_DIGEST]);
  bindUseCase(container, ListAuditLog, [AUDIT_LOG]);
  bindUseCase(container, ExportAuditLog, [AUDIT_LOG]);

  // Multi-factor sign-in (TOTP): enrolment, the login challenge, codes throttled like passwords.
  const mfa: MfaSettings = {
    issuer: MFA_ISSUER,
    challengeTtlMs: MFA_CHALLENGE_TTL_MS,
    requiredForAdmins: config.mfaRequiredForAdmins,
  };
  container.bind(MFA_SETTINGS).toConstantValue(mfa);
  container.bind(TOTP_AUTHENTICATOR).toConstantValue(new OtpauthTotp(MFA_ISSUER));
  bindUseCase(container, SecondFactorCheck, [
    TOTP_AUTHENTICATOR,
    SECRET_DIGEST,
    LOGIN_THROTTLE,
    ACCOUNT_LOGIN_THROTTLE,
    CLOCK,
  ]);
  bindUseCase(container, MfaChallenges, [MFA_CHALLENGE_STORE, SECRET_DIGEST, RANDOM_SOURCE, MFA_SETTINGS]);
  bindUseCase(container, SetupMfa, [USER_REPOSITORY, TOTP_AUTHENTICATOR, CLOCK, MFA_SETTINGS]);
  bindUseCase(container, VerifyMfa, [
    USER_REPOSITORY,
    SecondFactorCheck,
    SECRET_DIGEST,
    RANDOM_SOURCE,
    CLOCK,
  ]);
  bindUseCase(container, DisableMfa, [USER_REPOSITORY, PASSWORD_HASHER, SecondFactorCheck, CLOCK]);
  bindUseCase(container, CompleteMfaChallenge, [
    USER_REPOSITORY,
    MFA_CHALLENGE_STORE,
    SecondFactorCheck,
    SECRET_DIGEST,
    SESSION_ISSUER,
    CLOCK,
  ]);

  // use cases
  bindClass(container, AUTHENTICATOR, TokenAuthenticator, [
    TOKEN_SERVICE,
    USER_REPOSITORY,
    TOKEN_REVOCATION_STORE,
    SECRET_DIGEST,
    CLOCK,
    SESSION_STORE,
  ]);
  bindUseCase(container, RegisterUser, [
    USER_REPOSITORY,
    PASSWORD_HASHER,
    SESSION_ISSUER,
    ID_GENERATOR,
    CLOCK,
    EVENT_BUS,
  ]);
  bindUseCase(container, LoginUser, [
    USER_REPOSITORY,
    PASSWORD_HASHER,
    SESSION_ISSUER,
    LOGIN_THROTTLE,
    CLOCK,
    ACCOUNT_LOGIN_THROTTLE,
    IDENTITY_SETTINGS,
    IP_LOGIN_THROTTLE,
    MfaChallenges,
  ]);
  bindUseCase(container, Logout, [
    TOKEN_SERVICE,
    TOKEN_REVOCATION_STORE,
    SECRET_DIGEST,
    CLOCK,
    IDENTITY_SETTINGS,
    SESSION_STORE,
  ]);
  bindUseCase(container, UpdateDetails, [USER_REPOSITORY, CLOCK]);
  bindUseCase(container, UpdatePreferences, [USER_REPOSITORY, CLOCK]);
  bindUseCase(container, RecordSearch, [USER_REPOSITORY, CLOCK]);
  bindUseCase(container, UpdatePassword, [USER_REPOSITORY, PASSWORD_HASHER, SESSION_ISSUER, CLOCK]);
  bindUseCase(container, ForgotPassword, [USER_REPOSITORY, EVENT_BUS, ID_GENERATOR, CLOCK, BACKGROUND_TASKS]);
  bindUseCase(container, ResetLinks, [SECRET_DIGEST, IDENTITY_SETTINGS]);
  bindUseCase(container, IssuePasswordReset, [
    USER_REPOSITORY,
    PASSWORD_RESET_STORE,
    SECRET_DIGEST,
    ResetLinks,
    CLOCK,
    IDENTITY_SETTINGS,
  ]);
  bindUseCase(container, ResetPassword, [
    USER_REPOSITORY,
    PASSWORD_RESET_STORE,
    SECRET_DIGEST,
    PASSWORD_HASHER,
    SESSION_ISSUER,
    CLOCK,
    MfaChallenges,
  ]);
  bindUseCase(container, AddAddress, [USER_REPOSITORY, ID_GENERATOR, CLOCK]);
  bindUseCase(container, UpdateAddress, [USER_REPOSITORY, CLOCK]);
  bindUseCase(container, RemoveAddress, [USER_REPOSITORY, CLOCK]);
  bindUseCase(container, CreateAdmin, [USER_REPOSITORY, PASSWORD_HASHER, ID_GENERATOR, CLOCK]);
  bindUseCase(container, SetUserActive, [USER_REPOSITORY, CLOCK]);
  bindUseCase(container, SetUserRole, [USER_REPOSITORY, CLOCK]);
  // API keys (issue 13)
  bindUseCase(container, CreateApiKey, [
    API_KEY_STORE,
    SECRET_DIGEST,
    RANDOM_SOURCE,
    ID_GENERATOR,
    CLOCK,
    SIGNING_KEYS,
  ]);
  bindUseCase(container, ListApiKeys, [API_KEY_STORE]);
  bindUseCase(container, RevokeApiKey, [API_KEY_STORE, CLOCK]);
  bindUseCase(container, AuthenticateApiKey, [API_KEY_STORE, USER_REPOSITORY, SECRET_DIGEST, CLOCK]);

  // startup: the configured admin account exists. Its password hash (a worker thread's start and
  // a bcrypt hash) runs after listening; meanwhile every other caller of the users port waits.
  container.bind(AdminSeedHold).toConstantValue(new AdminSeedHold());
  container.onActivation<UserRepository>(USER_REPOSITORY, (context, users) =>
    context.get(AdminSeedHold).guard(users),
  );
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue(
      (
        hold: AdminSeedHold,
        guarded: UserRepository,
        hasher: PasswordHasher,
        ids: IdGenerator,
        clock: Clock,
        random: RandomSource,
        logger: AppLogger,
        identity: IdentitySettings,
      ) => {
        const users = hold.unguarded(guarded);
        const createAdmin = new CreateAdmin(users, hasher, ids, clock);
        return new EnsureAdminAccount(users, createAdmin, random, logger, identity, hold);
      },
      [
        AdminSeedHold,
        USER_REPOSITORY,
        PASSWORD_HASHER,
        ID_GENERATOR,
        CLOCK,
        RANDOM_SOURCE,
        APP_LOGGER,
        IDENTITY_SETTINGS,
      ],
    )
    .inSingletonScope();
}
