import { signInContext } from './session-routes.js';
import { Type } from '@fastify/type-provider-typebox';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CompleteMfaChallenge,
  DisableMfa,
  SetupMfa,
  VerifyMfa,
  type MfaChallengeIssued,
} from '../../../application/identity/mfa.js';
import type { DomainError } from '../../../domain/shared/errors.js';
import type { Result } from '../../../domain/shared/result.js';
import { authHooks, failWithRetryAfter, principalOf } from '../auth.js';
import { bearerAuth, errors, IsoDate, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { presentUser, tokenResponse, TokenResponseSchema, UserSchema } from './presenter.js';

const tags = ['auth'];

/** The value of an Ok result; an Err answers its status, with Retry-After on 429. */
function answer<T>(reply: FastifyReply, result: Result<T, DomainError>): T {
  if (result.isErr()) failWithRetryAfter(reply, result.error);
  return result.value;
}

const Code = Type.String({
  pattern: '^\\s*[A-Za-z0-9-]{6,32}\\s*$',
  description: 'The 6-digit code of the authenticator app, or a recovery code (xxxx-xxxx)',
});
const TotpCode = Type.String({ pattern: '^\\s*\\d{6}\\s*$', description: 'The 6-digit code of the app' });

const VerifyBody = Type.Object({ code: TotpCode }, { additionalProperties: false });
const DisableBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 200 }), code: Code },
  { additionalProperties: false },
);
const ChallengeToken = Type.String({ pattern: '^[A-Za-z0-9]{16,128}$' });
const ChallengeBody = Type.Union(
  [
    Type.Object({ challengeToken: ChallengeToken, code: Code }, { additionalProperties: false }),
    Type.Object({ challengeToken: ChallengeToken, recoveryCode: Code }, { additionalProperties: false }),
  ],
  { description: '`challengeToken` (from the login) and either `code` or `recoveryCode`' },
);

const SetupResponse = success({
  secret: Type.String({ description: 'Base32 TOTP secret, for typing into the app by hand' }),
  otpauthUrl: Type.String({ description: 'otpauth://totp/... (SHA1, 6 digits, 30 s)' }),
  qrCode: Type.String({ description: 'The otpauth URL as a QR code, a PNG data URL' }),
});
const VerifyResponse = success({
  enabled: Type.Literal(true),
  recoveryCodes: Type.Array(Type.String(), {
    description: 'Ten one-time codes, shown only now (stored hashed); each completes one sign-in',
  }),
});
const DisableResponse = success({ enabled: Type.Literal(false), user: UserSchema });

/** A password login of an account with MFA: no token, a challenge for POST /api/auth/mfa/challenge. */
export const MfaRequiredSchema = Type.Object({
  status: Type.Literal('success'),
  mfaRequired: Type.Literal(true),
  data: Type.Object({
    challengeToken: Type.String({ description: 'Single use, for POST /api/auth/mfa/challenge' }),
    expiresAt: IsoDate,
  }),
});

export function mfaRequiredResponse(challenge: MfaChallengeIssued) {
  return {
    status: 'success' as const,
    mfaRequired: true as const,
    data: { challengeToken: challenge.challengeToken, expiresAt: challenge.expiresAt.toISOString() },
  };
}

/** IPv6 callers are counted per /64 (as the rate limits and the login throttle do). */
const ipOf = (request: FastifyRequest) => normalizeIP(request.ip);

/** `/api/auth/mfa/*`: TOTP enrolment, its removal, and the second step of a login. */
export async function mfaRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const setup = deps.resolve.get(SetupMfa);
  const verify = deps.resolve.get(VerifyMfa);
  const disable = deps.resolve.get(DisableMfa);
  const complete = deps.resolve.get(CompleteMfaChallenge);
  const authBudget = deps.limits.auth;

  app.post(
    '/mfa/setup',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app (TOTP)',
        description:
          'A new secret, its otpauth URL and QR code; pending until POST /mfa/verify. Setting up ' +
          'again replaces the pending secret; 409 MFA_ALREADY_ENABLED when MFA is on.',
        security: bearerAuth,
        response: { 200: SetupResponse, ...errors(401, 409) },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const enrolment = answer(reply, await setup.execute({ userId: user.id }));
      return {
        status: 'success' as const,
        data: { secret: enrolment.secret, otpauthUrl: enrolment.uri, qrCode: enrolment.qrCode },
      };
    },
  );

  app.post(
    '/mfa/verify',
    {
      preValidation: requireAuth, // before the body: anonymous callers get 401
      schema: {
        tags,
        summary: 'Enable MFA with a code of the pending secret; answers ten recovery codes',
        description:
          'A code is accepted once (no replay). Wrong codes are throttled like passwords (429 + ' +
          'Retry-After). 409 MFA_SETUP_NOT_STARTED without a pending setup.',
        security: bearerAuth,
        body: VerifyBody,
        response: { 200: VerifyResponse, ...errors(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const done = answer(
        reply,
        await verify.execute({ userId: user.id, code: request.body.code, ip: ipOf(request) }),
      );
      return { status: 'success' as const, data: { enabled: true as const, ...done } };
    },
  );

  app.post(
    '/mfa/disable',
    {
      preValidation: requireAuth, // before the body: anonymous callers get 401
      schema: {
        tags,
        summary: 'Turn MFA off with the password and a code (TOTP or recovery code)',
        security: bearerAuth,
        body: DisableBody,
        response: { 200: DisableResponse, ...errors(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const updated = answer(
        reply,
        await disable.execute({ userId: user.id, ...request.body, ip: ipOf(request) }),
      );
      return { status: 'success' as const, data: { enabled: false as const, user: presentUser(updated) } };
    },
  );

  app.post(
    '/mfa/challenge',
    {
      onRequest: authBudget,
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'Complete a login of an account with MFA; answers like login',
        description:
          'The challenge token from the login (valid 5 minutes, single use) and a TOTP code or a ' +
          'recovery code (each works once). A wrong code leaves the challenge usable; repeated ' +
          'failures answer 429 with Retry-After. 400 MFA_CHALLENGE_INVALID: sign in again.',
        body: ChallengeBody,
        response: { 200: TokenResponseSchema, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      // The session gets its device and IP, and `X-Client-Type: api` its refresh token, as at login.
      const session = answer(reply, await complete.execute(request.body, signInContext(request)));
      return tokenResponse(session);
    },
  );
}

/** The login's 200: a session (accounts without MFA, exactly as before) or the MFA challenge. */
export const LoginResponseSchema = Type.Union([TokenResponseSchema, MfaRequiredSchema]);
