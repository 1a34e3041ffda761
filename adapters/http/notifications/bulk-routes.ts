import { Type, type Static } from '@fastify/type-provider-typebox';
import { NOTIFICATION_TYPES } from '../../../domain/notifications/notification.js';
import { BULK_STATUSES, type BulkProgress } from '../../../domain/notifications/bulk.js';
import { USER_TIERS } from '../../../domain/loyalty/points.js';
import { domainError } from '../../../domain/shared/errors.js';
import {
  BULK_MAX_IDS,
  GetBulkNotification,
  StartBulkNotification,
  type BulkNotification,
} from '../../../application/notifications/bulk.js';
import type { UserSegment } from '../../../application/identity/index.js';
import { authHooks, principalOf } from '../auth.js';
import { fail, unwrap } from '../errors.js';
import { bearerAuth, errors, IsoDate, LongText, ObjectId, success, Text } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['Notifications'];
const literals = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>(Type.String({ ...options, enum: [...values] }));

const PREFERENCES = ['emailNotifications', 'smsNotifications', 'newsletter'] as const;
const SEGMENT_KINDS = ['all', 'preference', 'tier', 'users'] as const;

const Segment = Type.Object(
  {
    kind: literals(SEGMENT_KINDS, {
      description: 'all users, users with a `preference` on, a membership `tier`, or a list of `ids`',
    }),
    preference: Type.Optional(literals(PREFERENCES)),
    tier: Type.Optional(literals(USER_TIERS)),
    ids: Type.Optional(Type.Array(ObjectId, { minItems: 1, maxItems: BULK_MAX_IDS })),
  },
  { additionalProperties: false },
);

const BulkBody = Type.Object(
  {
    segment: Segment,
    channel: literals(NOTIFICATION_TYPES),
    template: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' })),
    variables: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), Type.Unknown(), {
        maxProperties: 50,
      }),
    ),
    subject: Type.Optional(Text(200, { minLength: 1, description: 'A custom message’s subject (email)' })),
    body: Type.Optional(
      LongText(5000, { minLength: 1, description: 'A custom message (instead of a template)' }),
    ),
  },
  { additionalProperties: false },
);

const BulkSchema = Type.Object({
  _id: Type.String(),
  channel: literals(NOTIFICATION_TYPES),
  segment: Segment,
  template: Type.Optional(Type.String()),
  requestedBy: Type.String(),
  createdAt: IsoDate,
  finishedAt: Type.Optional(IsoDate),
  status: literals(BULK_STATUSES, {
    description: 'queued (not started), running (walking the audience or messages pending), completed',
  }),
  total: Type.Integer(),
  completed: Type.Integer({ description: 'Messages sent' }),
  failed: Type.Integer({
    description: 'Messages failed, including recipients skipped (opted out, rate limited)',
  }),
  pending: Type.Integer(),
  percentage: Type.Integer({ minimum: 0, maximum: 100 }),
});

function segmentOf(s: Static<typeof Segment>): UserSegment {
  const missing = (field: string, message: string): never =>
    fail(domainError('VALIDATION_FAILED', message, { errors: [{ field: `segment.${field}`, message }] }));
  switch (s.kind) {
    case 'all':
      return { kind: 'all' };
    case 'preference':
      return s.preference
        ? { kind: 'preference', preference: s.preference }
        : missing('preference', 'Name the preference');
    case 'tier':
      return s.tier ? { kind: 'tier', tier: s.tier } : missing('tier', 'Name the membership tier');
    case 'users':
      return s.ids ? { kind: 'users', ids: s.ids } : missing('ids', 'List the user ids');
  }
}

function present(bulk: BulkNotification, progress: BulkProgress) {
  const s = bulk.segment;
  return {
    _id: bulk.id,
    channel: bulk.channel,
    segment: {
      kind: s.kind,
      ...(s.kind === 'preference' ? { preference: s.preference } : {}),
      ...(s.kind === 'tier' ? { tier: s.tier } : {}),
      ...(s.kind === 'users' ? { ids: [...s.ids] } : {}),
    },
    ...(bulk.template !== undefined ? { template: bulk.template } : {}),
    requestedBy: bulk.requestedBy,
    createdAt: bulk.createdAt.toISOString(),
    ...(bulk.finishedAt ? { finishedAt: bulk.finishedAt.toISOString() } : {}),
    ...progress,
  };
}

/** POST /bulk and GET /bulk/:id (admin). */
export function registerBulkRoutes(app: App, deps: HttpRouteDeps): void {
  const { requireAdmin } = authHooks(deps.resolve);
  const start = deps.resolve.get(StartBulkNotification);
  const get = deps.resolve.get(GetBulkNotification);

  app.post(
    '/bulk',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Send one message to a segment of users (admin): answers at once with the bulk id',
        description:
          'A marketing message for every active user of the segment: the recipients’ preferences and the ' +
          'per-recipient rate limit apply (a skipped recipient counts as failed), mail carries the ' +
          'unsubscribe link. The audience is walked by a job on the queue; follow GET /api/notifications/bulk/:id.',
        security: bearerAuth,
        body: BulkBody,
        response: { 202: success({ bulk: BulkSchema }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const b: Static<typeof BulkBody> = request.body;
      const bulk = unwrap(
        await start.execute({
          segment: segmentOf(b.segment),
          channel: b.channel,
          ...(b.template !== undefined ? { template: b.template } : {}),
          ...(b.variables !== undefined ? { variables: b.variables } : {}),
          ...(b.body !== undefined
            ? { custom: { body: b.body, ...(b.subject !== undefined ? { subject: b.subject } : {}) } }
            : {}),
          requestedBy: principalOf(request).user.id,
        }),
      );
      const { progress } = unwrap(await get.execute(bulk.id));
      reply.status(202);
      return { status: 'success' as const, data: { bulk: present(bulk, progress) } };
    },
  );

  app.get(
    '/bulk/:id',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'A bulk send’s progress (admin): status, total, completed, failed, percentage',
        security: bearerAuth,
        params: Type.Object(
          { id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: success({ bulk: BulkSchema }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { bulk, progress } = unwrap(await get.execute(request.params.id));
      return { status: 'success' as const, data: { bulk: present(bulk, progress) } };
    },
  );
}
