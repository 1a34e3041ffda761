import { Type } from '@fastify/type-provider-typebox';
import { NotifyCustomerAboutOrder } from '../../../application/notifications/order-updates.js';
import { NOTIFICATION_TYPES } from '../../../domain/notifications/notification.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, LongText, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { OrderRefParams } from './schemas.js';

const Channel = Type.Unsafe<(typeof NOTIFICATION_TYPES)[number]>(
  Type.String({ enum: [...NOTIFICATION_TYPES] }),
);

const OrderNotificationBody = Type.Object(
  {
    channels: Type.Array(Channel, {
      minItems: 1,
      maxItems: 10,
      description: 'email, sms and/or push; a repeated channel is sent once',
    }),
    template: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9-]{0,63}$',
        description: 'Default order-update; it gets name, orderNumber and message',
      }),
    ),
    message: Type.Optional(LongText(1000, { minLength: 1, description: 'The note to the customer' })),
  },
  { additionalProperties: false },
);

const Outcome = Type.Object({
  channel: Channel,
  status: Type.Union([Type.Literal('queued'), Type.Literal('unreachable')]),
  notificationId: Type.Optional(Type.String({ description: 'When queued: GET /api/notifications/:id' })),
  reason: Type.Optional(Type.String({ description: 'When unreachable: no phone, no push subscription' })),
});

/** POST /api/orders/:id/notifications (admin): an update about this order to its customer. */
export function registerOrderNotificationRoutes(app: App, deps: HttpRouteDeps): void {
  const { requireAdmin } = authHooks(deps.resolve);
  const notify = deps.resolve.get(NotifyCustomerAboutOrder);

  app.post(
    '/:id/notifications',
    {
      preHandler: requireAdmin,
      config: { audit: { action: 'create', resource: 'notification' } },
      schema: {
        tags: ['orders'],
        summary: 'Send an update about this order to its customer over chosen channels (admin)',
        description:
          'Answers 202 with one entry per channel: `queued` with the notification id, or `unreachable` ' +
          'with the reason (no phone number, no push subscription). The template (default order-update, ' +
          'which needs `message`) is checked for every channel first: a bad one sends nothing (400).',
        security: bearerAuth,
        params: OrderRefParams,
        body: OrderNotificationBody,
        response: {
          202: success({ notifications: Type.Array(Outcome) }),
          ...errors(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const { user } = principalOf(request);
      const outcomes = unwrap(
        await notify.execute({
          order: request.params.id,
          channels: request.body.channels,
          ...(request.body.template !== undefined ? { template: request.body.template } : {}),
          ...(request.body.message !== undefined ? { message: request.body.message } : {}),
          requestedBy: user.id,
        }),
      );
      reply.code(202);
      return { status: 'success' as const, data: { notifications: outcomes } };
    },
  );
}
