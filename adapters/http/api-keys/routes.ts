import { Type } from '@fastify/type-provider-typebox';
import { CreateApiKey, ListApiKeys, RevokeApiKey } from '../../../application/identity/api-keys.js';
import { API_KEY_NAME_MAX, API_KEY_SCOPES, type ApiKey } from '../../../domain/identity/api-key.js';
import { principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, IsoDate, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The public part of the key (`af_<prefix>_...`)' }),
  scopes: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: IsoDate,
  expiresAt: Type.Union([IsoDate, Type.Null()]),
  revokedAt: Type.Union([IsoDate, Type.Null()]),
  lastUsedAt: Type.Union([IsoDate, Type.Null()]),
  lastUsedIp: Type.Union([Type.String(), Type.Null()]),
});

/** A key as listed: never its secret or digest. */
function presentApiKey(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: [...key.scopes],
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: key.lastUsedIp ?? null,
  };
}

/**
 * /api/admin/api-keys: the admin scope's guard and audit trail already ran (and no API key may
 * call these: they are not in the scope table). The key and its signing secret are answered once,
 * at creation; only their digest (the key's) is stored.
 */
export async function apiKeyRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const create = deps.resolve.get(CreateApiKey);
  const list = deps.resolve.get(ListApiKeys);
  const revoke = deps.resolve.get(RevokeApiKey);
  const tags = ['admin'];

  app.post(
    '/',
    {
      config: { audit: { action: 'create', resource: 'api-key' } },
      schema: {
        tags,
        summary: 'Create an API key (the key and its signing secret are shown only in this answer)',
        security: bearerAuth,
        body: Type.Object(
          {
            name: Text(API_KEY_NAME_MAX, { minLength: 1 }),
            scopes: Type.Array(Type.Union(API_KEY_SCOPES.map((s) => Type.Literal(s))), {
              minItems: 1,
              maxItems: API_KEY_SCOPES.length,
            }),
            expiresAt: Type.Optional(IsoDate),
          },
          { additionalProperties: false },
        ),
        response: {
          201: success({
            apiKey: ApiKeySchema,
            key: Type.String({ description: 'Send it as X-API-Key; never shown again' }),
            signingSecret: Type.String({ description: 'HMAC key of request signatures; never shown again' }),
          }),
          ...errors(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const { name, scopes, expiresAt } = request.body;
      const created = unwrap(
        await create.execute({
          createdBy: principalOf(request).user.id,
          name,
          scopes,
          ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt) } : {}),
        }),
      );
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({
        status: 'success' as const,
        message: 'API key created; store the key and signing secret now, they are not shown again',
        data: {
          apiKey: presentApiKey(created.apiKey),
          key: created.key,
          signingSecret: created.signingSecret,
        },
      });
    },
  );

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'List API keys, newest first (never their secrets)',
        security: bearerAuth,
        response: { 200: success({ apiKeys: Type.Array(ApiKeySchema) }), ...errors(401, 403, 429) },
      },
    },
    async () => ({
      status: 'success' as const,
      data: { apiKeys: (await list.execute()).map(presentApiKey) },
    }),
  );

  app.delete(
    '/:id',
    {
      config: { audit: { action: 'delete', resource: 'api-key' } },
      schema: {
        tags,
        summary: 'Revoke an API key (idempotent: revoking again answers the same key)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: success({ apiKey: ApiKeySchema }), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const key = unwrap(await revoke.execute(request.params.id));
      return { status: 'success' as const, message: 'API key revoked', data: { apiKey: presentApiKey(key) } };
    },
  );
}
