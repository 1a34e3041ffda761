import { Type } from '@fastify/type-provider-typebox';
import {
  GetPushPublicKey,
  SubscribeToPush,
  UnsubscribeFromPush,
} from '../../../application/notifications/push-subscriptions.js';
import { PUSH_ENDPOINT_MAX_LENGTH } from '../../../domain/notifications/push-subscription.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, PUSH_FORMATS, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['Notifications'];

/** The browser's `PushSubscription.toJSON()`, as `pushManager.subscribe()` gives it. */
const SubscriptionBody = Type.Object(
  {
    endpoint: Type.String({
      maxLength: PUSH_ENDPOINT_MAX_LENGTH,
      format: PUSH_FORMATS.endpoint,
      description: "The push service's https URL for this browser",
    }),
    expirationTime: Type.Optional(
      Type.Union([Type.Number({ minimum: 0, maximum: 8.64e15 }), Type.Null()], {
        description: 'Accepted and ignored (a push service answering 404/410 ends a subscription)',
      }),
    ),
    keys: Type.Object(
      {
        p256dh: Type.String({
          maxLength: 100,
          format: PUSH_FORMATS.p256dh,
          description: "base64url of the browser's uncompressed P-256 public key (65 bytes)",
        }),
        auth: Type.String({
          maxLength: 30,
          format: PUSH_FORMATS.auth,
          description: 'base64url of the 16-byte authentication secret',
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const Done = Type.Object({ status: Type.Literal('success'), message: Type.String() });

/** Web Push: the VAPID public key (public) and the signed-in user's browser subscriptions. */
export function registerPushRoutes(app: App, deps: HttpRouteDeps): void {
  const { requireAuth } = authHooks(deps.resolve);
  const publicKey = deps.resolve.get(GetPushPublicKey);
  const subscribe = deps.resolve.get(SubscribeToPush);
  const unsubscribe = deps.resolve.get(UnsubscribeFromPush);

  app.get(
    '/push/public-key',
    {
      schema: {
        tags,
        summary: 'The VAPID public key browsers subscribe with (public)',
        description:
          'Pass it as `applicationServerKey` to `pushManager.subscribe()`. 503 PUSH_NOT_CONFIGURED when the ' +
          'deployment has no VAPID keys (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT).',
        response: {
          200: success({ publicKey: Type.String({ description: 'base64url, 65 bytes' }) }),
          ...errors(503),
        },
      },
    },
    async () => ({ status: 'success' as const, data: unwrap(publicKey.execute()) }),
  );

  app.post(
    '/push/subscriptions',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Save this browser's push subscription for the signed-in user",
        description:
          'The body is `PushSubscription.toJSON()`. Saving the same endpoint again refreshes its keys; an ' +
          'endpoint another user saved moves to the caller. A user keeps their 10 latest browsers.',
        security: bearerAuth,
        body: SubscriptionBody,
        response: {
          201: success({ subscription: Type.Object({ endpoint: Type.String() }) }),
          ...errors(400, 401),
        },
      },
    },
    async (request, reply) => {
      const { endpoint, keys } = request.body;
      const saved = unwrap(
        await subscribe.execute({
          userId: principalOf(request).user.id,
          subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
        }),
      );
      reply.code(201);
      return {
        status: 'success' as const,
        message: 'Subscribed to push notifications',
        data: { subscription: { endpoint: saved.endpoint } },
      };
    },
  );

  app.delete(
    '/push/subscriptions',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "Remove the signed-in user's subscription of an endpoint (idempotent)",
        description:
          'Answers 200 whether or not the endpoint was subscribed; an endpoint another user saved is left alone.',
        security: bearerAuth,
        body: Type.Object(
          {
            endpoint: Type.String({
              maxLength: PUSH_ENDPOINT_MAX_LENGTH,
              format: PUSH_FORMATS.endpoint,
              description: 'The endpoint the subscription was saved with',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Done, ...errors(400, 401) },
      },
    },
    async (request) => {
      unwrap(
        await unsubscribe.execute({ userId: principalOf(request).user.id, endpoint: request.body.endpoint }),
      );
      return { status: 'success' as const, message: 'Unsubscribed from push notifications' };
    },
  );
}
