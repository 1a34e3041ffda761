import { Type } from '@fastify/type-provider-typebox';
import { SIGNING_KEYS, type SigningKeys } from '../../../application/identity/ports.js';
import { authHooks, principalOf } from '../auth.js';
import { bearerAuth, errors, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { SIGNATURE_WINDOW_SECONDS } from './canonical.js';

/** GET /api/auth/signing-key: the key the caller signs sensitive requests with (README "Request signing"). */
export async function signingRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth } = authHooks(deps.resolve);
  const keys = deps.resolve.get<SigningKeys>(SIGNING_KEYS);

  app.get(
    '/signing-key',
    {
      preHandler: requireAuth,
      schema: {
        tags: ['auth'],
        summary: "The caller's request-signing key",
        description:
          'The HMAC-SHA256 key for the signature headers of sensitive operations (README "Request signing"). ' +
          'For a signed-in user it belongs to the session: every token of the session gets the same key, ' +
          'and it stops working when the session ends (sign out, revocation, expiry). For an API key ' +
          "(X-API-Key) it is that key's, ending with the key. Sent with Cache-Control: no-store.",
        security: bearerAuth,
        response: {
          200: success({
            key: Type.String({
              description: 'Use the 64 characters as given (not hex-decoded) as the HMAC key',
            }),
            algorithm: Type.Literal('HMAC-SHA256'),
            boundTo: Type.Union([Type.Literal('session'), Type.Literal('api-key')]),
            windowSeconds: Type.Integer(),
            headers: Type.Array(Type.String()),
          }),
          ...errors(401, 429),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      reply.header('cache-control', 'no-store');
      const key = principal.apiKey
        ? keys.forApiKey(principal.apiKey.id)
        : keys.forSession(principal.sessionId ?? principal.tokenId);
      return {
        status: 'success' as const,
        data: {
          key,
          algorithm: 'HMAC-SHA256' as const,
          boundTo: principal.apiKey ? ('api-key' as const) : ('session' as const),
          windowSeconds: SIGNATURE_WINDOW_SECONDS,
          headers: ['X-Signature-Timestamp', 'X-Signature-Nonce', 'X-Signature'],
        },
      };
    },
  );
}
