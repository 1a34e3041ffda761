import type { FastifyRequest } from 'fastify';
import { Type, type Static } from '@fastify/type-provider-typebox';
import { LoginUser, Logout, RegisterUser } from '../../../application/identity/sessions.js';
import {
  ForgotPassword,
  ResetPassword,
  UpdateDetails,
  UpdatePassword,
  UpdatePreferences,
} from '../../../application/identity/account.js';
import type { PreferencesInput } from '../../../domain/identity/user.js';
import { fromMajor } from '../../../domain/shared/money.js';
import type { FastifyReply } from 'fastify';
import type { Result } from '../../../domain/shared/result.js';
import type { DomainError } from '../../../domain/shared/errors.js';
import { authHooks, bearerToken, failWithRetryAfter, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { absentBodyAsEmptyObject, Amount, bearerAuth, errors, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import {
  presentPreferences,
  presentUser,
  tokenResponse,
  TokenResponseSchema,
  UserSchema,
} from './presenter.js';
import { sessionRoutes, signInContext } from './session-routes.js';
import { LoginResponseSchema, mfaRequiredResponse, mfaRoutes } from './mfa-routes.js';

const tags = ['auth'];

/** The value of an Ok result; an Err answers its status, with Retry-After when it says when to retry (429). */
function answer<T>(reply: FastifyReply, result: Result<T, DomainError>): T {
  if (result.isErr()) failWithRetryAfter(reply, result.error);
  return result.value;
}

// Text limits only bound the input; the value rules (compat 10) live in the domain, so HTTP and CLI
// answer the same messages. Passwords are secrets, never shown: any character is theirs to use.
const Field = (maxLength: number, description?: string) =>
  Text(maxLength, description ? { description } : {});
const Secret = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });

const RegisterBody = Type.Object(
  {
    fullName: Field(200, 'Required, at most 50 characters after trimming'),
    email: Field(320),
    password: Secret(200, 'At least 6 characters'),
    phone: Type.Optional(Field(60, 'Digits, spaces, -, ( ) and an optional leading +; "" for none')),
    birthday: Type.Optional(Field(200, 'Free text; "" for none')),
  },
  { additionalProperties: false },
);

const LoginBody = Type.Object(
  { email: Type.Optional(Field(320)), password: Type.Optional(Secret(200)) },
  { additionalProperties: false },
);

/** A partial change of the preferences; points, tier and role are not among them (400). */
const PreferencesBody = Type.Object(
  {
    emailNotifications: Type.Optional(Type.Boolean()),
    smsNotifications: Type.Optional(Type.Boolean()),
    newsletter: Type.Optional(Type.Boolean()),
    favoriteOccasions: Type.Optional(
      Type.Array(Field(40), { maxItems: 20, description: "The catalog's occasions (birthday, wedding...)" }),
    ),
    priceRange: Type.Optional(
      Type.Union(
        [
          Type.Object(
            { min: Amount, max: Amount },
            { additionalProperties: false, description: 'Rupees, min <= max' },
          ),
          Type.Null(),
        ],
        { description: 'null removes it' },
      ),
    ),
  },
  { additionalProperties: false },
);
type PreferencesJson = Static<typeof PreferencesBody>;

/** Rupees on the wire, minor units inside. */
function preferencesInput(body: PreferencesJson): PreferencesInput {
  const { priceRange, ...rest } = body;
  if (priceRange === undefined) return rest;
  return {
    ...rest,
    priceRange:
      priceRange === null ? null : { min: fromMajor(priceRange.min), max: fromMajor(priceRange.max) },
  };
}

const DetailsBody = Type.Object(
  {
    fullName: Type.Optional(Field(200)),
    email: Type.Optional(Field(320)),
    phone: Type.Optional(Field(60)),
    birthday: Type.Optional(Field(200)),
    preferences: Type.Optional(PreferencesBody),
  },
  { additionalProperties: false },
);

const PasswordBody = Type.Object(
  { currentPassword: Secret(200), newPassword: Secret(200, 'At least 6 characters') },
  { additionalProperties: false },
);

const ForgotBody = Type.Object({ email: Field(320) }, { additionalProperties: false });
const ResetBody = Type.Object(
  { password: Secret(200, 'At least 6 characters') },
  { additionalProperties: false },
);
const ResetParams = Type.Object(
  { resettoken: Type.String({ maxLength: 200 }) },
  { additionalProperties: false },
);

const MeResponse = success({ user: UserSchema }, { user: UserSchema });
const UserResponse = success({ user: UserSchema });
const LogoutResponse = success({});
const PreferencesResponse = success({
  preferences: UserSchema.properties.preferences,
  user: Type.Optional(UserSchema),
});

export async function identityRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  await sessionRoutes(app, deps);
  const { requireAuth } = authHooks(deps.resolve);
  const register = deps.resolve.get(RegisterUser);
  const login = deps.resolve.get(LoginUser);
  const logout = deps.resolve.get(Logout);
  const updateDetails = deps.resolve.get(UpdateDetails);
  const updatePreferences = deps.resolve.get(UpdatePreferences);
  const updatePassword = deps.resolve.get(UpdatePassword);
  const forgotPassword = deps.resolve.get(ForgotPassword);
  const resetPassword = deps.resolve.get(ResetPassword);
  // One per-IP budget shared by login, register, forgot and reset (README: RATE_LIMIT_AUTH_MAX),
  // instead of the general one (as before: spending one never blocks the other).
  const authBudget = deps.limits.auth;
  await mfaRoutes(app, deps);

  app.post(
    '/register',
    {
      onRequest: authBudget,
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'Create a shopper account and sign in',
        body: RegisterBody,
        response: { 201: TokenResponseSchema, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const session = answer(reply, await register.execute(request.body, signInContext(request)));
      return reply.status(201).send(tokenResponse(session));
    },
  );

  app.post(
    '/login',
    {
      onRequest: authBudget,
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description:
          'Wrong email or password answer the same 400 `Invalid credentials`. Repeated failures for one ' +
          'email from one address, or for one account from all addresses, are refused with 429 and ' +
          'Retry-After for a while; so are logins beyond a few at once from one address, and any ' +
          'when the server is saturated with password checks. Every sign-in is a session (GET /sessions); ' +
          'with `X-Client-Type: api` the answer also carries a `refreshToken` (POST /refresh). An account ' +
          'with MFA enabled answers `{status, mfaRequired: true, data: {challengeToken, expiresAt}}` and no ' +
          'token: POST /api/auth/mfa/challenge completes the sign-in.',
        body: LoginBody,
        response: { 200: LoginResponseSchema, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      // IPv6 callers are counted per /64 (as the rate limits do): one host owns a whole /64.
      const outcome = answer(reply, await login.signIn({ ...request.body, ...signInContext(request) }));
      // An account with MFA gets no token yet: POST /mfa/challenge completes the sign-in.
      return 'mfaRequired' in outcome ? mfaRequiredResponse(outcome) : tokenResponse(outcome);
    },
  );

  app.get(
    '/me',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'The signed-in user',
        security: bearerAuth,
        response: { 200: MeResponse, ...errors(401) },
      },
    },
    async (request) => {
      const user = presentUser(principalOf(request).user);
      return { status: 'success' as const, user, data: { user } };
    },
  );

  // Logout is not protected (compat 1): a valid token, if presented, is revoked; always 200.
  const logoutHandler = async (request: FastifyRequest) => {
    unwrap(await logout.execute({ token: bearerToken(request) }));
    return { status: 'success' as const, data: {} };
  };
  // Never 401 (a bad token is simply not revoked); 400 only for a malformed POST body, 429 from the
  // general rate limit.
  const logoutSchema = (method: string, ...statuses: number[]) => ({
    tags,
    summary: `Sign out (${method}): revokes the presented token, if any`,
    response: { 200: LogoutResponse, ...errors(...statuses, 429) },
  });
  app.get('/logout', { schema: logoutSchema('GET') }, logoutHandler);
  app.post(
    '/logout',
    {
      // The admin layout POSTs without a body.
      preValidation: absentBodyAsEmptyObject,
      schema: {
        ...logoutSchema('POST', 400),
        body: Type.Object({}, { additionalProperties: true, description: 'Ignored; may be absent' }),
      },
    },
    logoutHandler,
  );

  app.put(
    '/updatedetails',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Change name, email, phone or birthday',
        security: bearerAuth,
        body: DetailsBody,
        response: { 200: UserResponse, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const { preferences, ...details } = request.body;
      const updated = unwrap(
        await updateDetails.execute({
          userId: user.id,
          ...details,
          ...(preferences ? { preferences: preferencesInput(preferences) } : {}),
        }),
      );
      return { status: 'success' as const, data: { user: presentUser(updated) } };
    },
  );

  app.get(
    '/preferences',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "The signed-in user's preferences",
        security: bearerAuth,
        response: { 200: PreferencesResponse, ...errors(401) },
      },
    },
    async (request) => ({
      status: 'success' as const,
      data: { preferences: presentPreferences(principalOf(request).user.preferences) },
    }),
  );

  app.put(
    '/preferences',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Change some of the preferences (the fields sent; others keep their value)',
        description:
          'Unknown fields (points, tier, role...) are refused with 400. favoriteOccasions must be ' +
          "the catalog's occasions; priceRange is in rupees with min <= max (null removes it).",
        security: bearerAuth,
        body: PreferencesBody,
        response: { 200: PreferencesResponse, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { user } = principalOf(request);
      const updated = unwrap(
        await updatePreferences.execute({ userId: user.id, preferences: preferencesInput(request.body) }),
      );
      return {
        status: 'success' as const,
        data: { preferences: presentPreferences(updated.preferences), user: presentUser(updated) },
      };
    },
  );

  app.put(
    '/updatepassword',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Change the password (older tokens stop working); answers a fresh token',
        security: bearerAuth,
        body: PasswordBody,
        response: { 200: TokenResponseSchema, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const session = answer(
        reply,
        await updatePassword.execute({ userId: user.id, ...request.body }, signInContext(request)),
      );
      return tokenResponse(session);
    },
  );

  app.post(
    '/forgotpassword',
    {
      onRequest: authBudget,
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'Mail a password reset link',
        description:
          'Always answers `Password reset email sent`, whether or not the email has an account (no ' +
          'account enumeration). The link is valid for 1 hour and works once.',
        body: ForgotBody,
        response: { 200: success({}), ...errors(400, 429) },
      },
    },
    async (request) => {
      const { message } = unwrap(await forgotPassword.execute(request.body));
      return { status: 'success' as const, message, data: {} };
    },
  );

  app.put(
    '/resetpassword/:resettoken',
    {
      onRequest: authBudget,
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'Choose a new password with a mailed reset token; answers a token',
        params: ResetParams,
        body: ResetBody,
        description:
          'An account with MFA enabled answers the login challenge (`mfaRequired`, no token) ' +
          'instead: POST /api/auth/mfa/challenge completes the sign-in.',
        response: { 200: LoginResponseSchema, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const outcome = answer(
        reply,
        await resetPassword.resetAndSignIn(
          { resetToken: request.params.resettoken, password: request.body.password },
          signInContext(request),
        ),
      );
      return 'mfaRequired' in outcome ? mfaRequiredResponse(outcome) : tokenResponse(outcome);
    },
  );
}
