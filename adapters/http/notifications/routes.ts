import { Type, type Static } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_STATUSES,
  NOTIFICATION_TYPES,
  SKIP_REASONS,
  type Notification,
} from '../../../domain/notifications/notification.js';
import { domainError } from '../../../domain/shared/errors.js';
import {
  GetNotification,
  ListNotificationTemplates,
  NotificationHistory,
  type Viewer,
} from '../../../application/notifications/queries.js';
import {
  SendNotification,
  type Recipient,
  type SendNotificationInput,
} from '../../../application/notifications/send-notification.js';
import { TEMPLATE_VARIABLE_TYPES } from '../../../application/notifications/ports.js';
import { authHooks, principalOf } from '../auth.js';
import { fail, unwrap } from '../errors.js';
import { CursorQueryProps, NextCursorProps, nextCursorOf } from '../cursor.js';
import {
  bearerAuth,
  errors,
  IsoDate,
  LongText,
  ObjectId,
  PageNumber,
  PageSize,
  success,
  Text,
} from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['Notifications'];
/** One of `values` (a string enum in the OpenAPI document). */
const literals = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>(Type.String({ ...options, enum: [...values] }));

const NotificationId = Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,128}$',
  description: 'The notification id',
});

const NotificationSchema = Type.Object({
  _id: Type.String(),
  userId: Type.Optional(Type.String()),
  type: literals(NOTIFICATION_TYPES),
  template: Type.Optional(Type.String()),
  subject: Type.String(),
  content: Type.String({ description: 'The rendered text (mail text part, SMS, push body)' }),
  recipient: Type.String({ description: 'An address, a phone number, or `push` (the user’s devices)' }),
  status: literals(NOTIFICATION_STATUSES),
  sentAt: Type.Optional(IsoDate),
  metadata: Type.Object({
    category: literals(NOTIFICATION_CATEGORIES),
    eventId: Type.Optional(Type.String()),
    orderId: Type.Optional(Type.String()),
    bulkId: Type.Optional(Type.String()),
    requestedBy: Type.Optional(Type.String()),
    skipped: Type.Optional(
      literals(SKIP_REASONS, {
        description: 'Recorded, not sent: the preferences refuse it, the rate limit, or no address (bulk)',
      }),
    ),
    unsubscribeUrl: Type.Optional(Type.String({ description: 'The one-click unsubscribe link it carries' })),
  }),
  retryCount: Type.Integer(),
  lastError: Type.Optional(Type.String()),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

export function presentNotification(n: Notification) {
  return {
    _id: n.id,
    ...(n.userId !== undefined ? { userId: n.userId } : {}),
    type: n.type,
    ...(n.template !== undefined ? { template: n.template } : {}),
    subject: n.subject,
    content: n.content,
    recipient: n.recipient,
    status: n.status,
    ...(n.sentAt ? { sentAt: n.sentAt.toISOString() } : {}),
    metadata: { ...n.metadata },
    retryCount: n.retryCount,
    ...(n.lastError !== undefined ? { lastError: n.lastError } : {}),
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}

const Variables = Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), Type.Unknown(), {
  maxProperties: 50,
  description: "The template's variables (GET /api/notifications/templates lists them)",
});
const TemplateName = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
const common = {
  to: Type.Optional(
    Type.Intersect([ObjectId], { description: 'A user id (their address or number is used)' }),
  ),
  template: Type.Optional(TemplateName),
  variables: Type.Optional(Variables),
  body: Type.Optional(
    LongText(5000, { minLength: 1, description: 'A custom message (instead of a template)' }),
  ),
  category: Type.Optional(literals(NOTIFICATION_CATEGORIES)),
};
const EmailBody = Type.Object(
  {
    ...common,
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'A bare address' })),
    subject: Type.Optional(Text(200, { minLength: 1, description: 'The custom message’s subject' })),
  },
  { additionalProperties: false },
);
const SmsBody = Type.Object(
  {
    ...common,
    phone: Type.Optional(Type.String({ pattern: '^\\+?[\\d\\s\\-()]{5,30}$', description: 'A bare number' })),
  },
  { additionalProperties: false },
);

const Accepted = success({ notification: NotificationSchema });

function recipientOf(
  to: string | undefined,
  address: string | undefined,
  field: 'email' | 'phone',
): Recipient {
  if ((to === undefined) === (address === undefined)) {
    const message = `Give exactly one of \`to\` (a user id) or \`${field}\``;
    fail(domainError('VALIDATION_FAILED', message, { errors: [{ field: 'to', message }] }));
  }
  return to !== undefined ? { userId: to } : { address: address! };
}

function viewerOf(request: FastifyRequest): Viewer {
  const { user } = principalOf(request);
  return { userId: user.id, isAdmin: user.role === 'admin' };
}

/** /api/notifications: admin sends, templates, history (shoppers: their own), one notification. */
export async function notificationRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAuth, requireAdmin } = authHooks(deps.resolve);
  const send = deps.resolve.get(SendNotification);
  const history = deps.resolve.get(NotificationHistory);
  const getOne = deps.resolve.get(GetNotification);
  const templates = deps.resolve.get(ListNotificationTemplates);

  async function accept(
    request: FastifyRequest,
    input: Omit<SendNotificationInput, 'metadata' | 'to'>,
    to: () => Recipient,
  ): Promise<Notification> {
    return unwrap(
      await send.execute({
        ...input,
        to: to(),
        metadata: { requestedBy: principalOf(request).user.id },
      }),
    );
  }

  app.post(
    '/email',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary:
          'Send an email (admin): to a user or an address, a template with variables or a custom subject/body',
        description:
          'Answers 202 once the message is stored `pending` and queued; its delivery (retried with backoff) ' +
          'sets `sent` or `failed`: follow it with GET /api/notifications/:id.',
        security: bearerAuth,
        body: EmailBody,
        response: { 202: Accepted, ...errors(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const b: Static<typeof EmailBody> = request.body;
      const n = await accept(
        request,
        {
          channel: 'email',
          ...(b.template !== undefined ? { template: b.template } : {}),
          ...(b.variables !== undefined ? { variables: b.variables } : {}),
          ...(b.body !== undefined
            ? { custom: { body: b.body, ...(b.subject !== undefined ? { subject: b.subject } : {}) } }
            : {}),
          ...(b.category !== undefined ? { category: b.category } : {}),
        },
        () => recipientOf(b.to, b.email, 'email'),
      );
      reply.status(202);
      return { status: 'success' as const, data: { notification: presentNotification(n) } };
    },
  );

  app.post(
    '/sms',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Send an SMS (admin): to a user (their phone) or a number, a template or a custom body',
        description:
          'Answers 202 once stored `pending` and queued. A user without a phone: 422 RECIPIENT_UNREACHABLE.',
        security: bearerAuth,
        body: SmsBody,
        response: { 202: Accepted, ...errors(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const b: Static<typeof SmsBody> = request.body;
      const n = await accept(
        request,
        {
          channel: 'sms',
          ...(b.template !== undefined ? { template: b.template } : {}),
          ...(b.variables !== undefined ? { variables: b.variables } : {}),
          ...(b.body !== undefined ? { custom: { body: b.body } } : {}),
          ...(b.category !== undefined ? { category: b.category } : {}),
        },
        () => recipientOf(b.to, b.phone, 'phone'),
      );
      reply.status(202);
      return { status: 'success' as const, data: { notification: presentNotification(n) } };
    },
  );

  const Rendered = Type.Object({
    subject: Type.String(),
    text: Type.String(),
    html: Type.Optional(Type.String()),
  });
  app.get(
    '/templates',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary:
          'The notification templates (admin): channels, variables and a preview rendered from the examples',
        security: bearerAuth,
        response: {
          200: success(
            {
              templates: Type.Array(
                Type.Object({
                  name: Type.String(),
                  description: Type.String(),
                  channels: Type.Array(literals(NOTIFICATION_TYPES)),
                  category: literals(NOTIFICATION_CATEGORIES),
                  variables: Type.Record(
                    Type.String(),
                    Type.Object({
                      type: literals(TEMPLATE_VARIABLE_TYPES),
                      example: Type.Unknown(),
                      required: Type.Boolean(),
                      description: Type.Optional(Type.String()),
                    }),
                  ),
                  preview: Type.Object({
                    email: Type.Optional(Rendered),
                    sms: Type.Optional(Rendered),
                    push: Type.Optional(Rendered),
                  }),
                }),
              ),
            },
            { count: Type.Integer() },
          ),
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const list = await templates.execute();
      return {
        status: 'success' as const,
        count: list.length,
        data: { templates: list.map((t) => ({ ...t, channels: [...t.channels] })) },
      };
    },
  );

  const HistoryQuery = Type.Object(
    {
      userId: Type.Optional(ObjectId),
      type: Type.Optional(literals(NOTIFICATION_TYPES)),
      status: Type.Optional(literals(NOTIFICATION_STATUSES)),
      from: Type.Optional(IsoDate),
      to: Type.Optional(IsoDate),
      page: Type.Optional(PageNumber),
      limit: PageSize(100, 20),
      ...CursorQueryProps,
    },
    { additionalProperties: false },
  );
  app.get(
    '/history',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: 'Notifications sent, newest first: all for an admin (filters), only their own for a shopper',
        description:
          'A shopper always gets their own notifications: a `userId` naming someone else is ignored. ' +
          '`from`/`to` bound the creation time (inclusive). Paged by page/limit, or by cursor (empty ' +
          'first, then nextCursor; bound to the filters, stable while new notifications are sent).',
        security: bearerAuth,
        querystring: HistoryQuery,
        response: {
          200: success(
            { notifications: Type.Array(NotificationSchema) },
            {
              count: Type.Integer(),
              total: Type.Integer(),
              page: Type.Integer(),
              pages: Type.Integer(),
              ...NextCursorProps,
            },
          ),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const q: Static<typeof HistoryQuery> = request.query;
      const page = unwrap(
        await history.execute(viewerOf(request), {
          ...(q.userId !== undefined ? { userId: q.userId } : {}),
          ...(q.type !== undefined ? { type: q.type } : {}),
          ...(q.status !== undefined ? { status: q.status } : {}),
          ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
          ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
          ...(q.page !== undefined ? { page: q.page } : {}),
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
          limit: q.limit,
        }),
      );
      return {
        status: 'success' as const,
        count: page.items.length,
        total: page.total,
        page: page.page,
        pages: Math.ceil(page.total / page.limit),
        ...nextCursorOf(page),
        data: { notifications: page.items.map(presentNotification) },
      };
    },
  );

  app.get(
    '/:id',
    {
      preHandler: requireAuth,
      schema: {
        tags,
        summary: "One notification (its owner or an admin; another user's answers 404)",
        security: bearerAuth,
        params: Type.Object({ id: NotificationId }, { additionalProperties: false }),
        response: { 200: success({ notification: NotificationSchema }), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const n = unwrap(await getOne.execute(viewerOf(request), request.params.id));
      return { status: 'success' as const, data: { notification: presentNotification(n) } };
    },
  );
}
