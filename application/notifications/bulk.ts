import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { bulkProgress, type BulkProgress } from '../../domain/notifications/bulk.js';
import type { NotificationType } from '../../domain/notifications/notification.js';
import type { UserRepository, UserSegment } from '../identity/index.js';
import { PermanentJobError, type JobHandler, type JobQueue, type RunningJob } from '../shared/job-queue.js';
import type { AppLogger, Clock, IdGenerator } from '../shared/ports.js';
import { token } from '../shared/token.js';
import type { NotificationRepository, TemplateVariables } from './ports.js';
import type { DeliveryPolicy, SendNotification } from './send-notification.js';

/** The queue and job of a bulk send's walk; the job id is the bulk id. */
export const BULK_QUEUE = 'notifications-bulk';
export const BULK_JOB = 'bulk';
export interface BulkJobData {
  readonly bulkId: string;
}

/** Users read per page of the walk (and messages created at once). */
export const BULK_PAGE = 100;
/** A `users` segment names at most this many ids. */
export const BULK_MAX_IDS = 1000;

/** What an admin asked for: the audience and one message for each. */
export interface BulkRequest {
  readonly segment: UserSegment;
  readonly channel: NotificationType;
  readonly template?: string;
  readonly variables?: TemplateVariables;
  readonly custom?: { readonly subject?: string; readonly body: string };
  readonly requestedBy: string;
}

export interface BulkNotification extends BulkRequest {
  readonly id: string;
  /** The audience counted when the send was asked for. */
  readonly estimated: number;
  /** Set once the walk is done: the notifications the send created. */
  readonly walked?: number;
  readonly createdAt: Date;
  readonly finishedAt?: Date;
}

/** The bulk sends (their request and walk); their progress is counted from their notifications. */
export interface BulkNotificationStore {
  create(bulk: BulkNotification): Promise<void>;
  findById(id: string): Promise<BulkNotification | null>;
  /** Records the walk's end (once: a later call changes nothing). */
  finish(id: string, walked: number, at: Date): Promise<void>;
}
export const BULK_NOTIFICATION_STORE = token<BulkNotificationStore>('BulkNotificationStore');

function notFound(): DomainError {
  return domainError('NOTIFICATION_NOT_FOUND', 'Bulk send not found');
}

/**
 * POST /api/notifications/bulk: checks the message (template, channel, variables) against the
 * template once, stores the bulk send, queues its walk (job `bulk` on `notifications-bulk`, job id
 * = bulk id) and answers at once.
 */
export class StartBulkNotification {
  constructor(
    private readonly send: SendNotification,
    private readonly users: UserRepository,
    private readonly bulks: BulkNotificationStore,
    private readonly queue: JobQueue,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy,
  ) {}

  async execute(request: BulkRequest): Promise<Result<BulkNotification, DomainError>> {
    if (request.segment.kind === 'users') {
      const ids = request.segment.ids;
      if (ids.length === 0 || ids.length > BULK_MAX_IDS) {
        const message = `Name between 1 and ${BULK_MAX_IDS} user ids`;
        return Err(
          domainError('VALIDATION_FAILED', message, { errors: [{ field: 'segment.ids', message }] }),
        );
      }
    }
    const checked = await this.send.check({
      channel: request.channel,
      ...(request.template !== undefined ? { template: request.template } : {}),
      ...(request.variables !== undefined ? { variables: request.variables } : {}),
      ...(request.custom !== undefined ? { custom: request.custom } : {}),
      category: 'marketing',
    });
    if (checked.isErr()) return checked;
    const bulk: BulkNotification = {
      ...request,
      ...(request.segment.kind === 'users'
        ? { segment: { kind: 'users', ids: [...new Set(request.segment.ids)] } }
        : {}),
      id: this.ids.next(),
      estimated: await this.users.countBySegment(request.segment),
      createdAt: this.clock.now(),
    };
    await this.bulks.create(bulk);
    await this.queue.add<BulkJobData>(
      BULK_QUEUE,
      BULK_JOB,
      { bulkId: bulk.id },
      { jobId: bulk.id, attempts: this.policy.attempts, backoffMs: this.policy.backoffMs },
    );
    return Ok(bulk);
  }
}

/**
 * The processor of `bulk` jobs: walks the segment page by page and sends each user the message
 * through SendNotification (so preferences, the rate limit and unsubscribe links apply), as a
 * marketing message with the id `<bulkId>-<userId>`: a retried or resumed walk finds the
 * notifications it already created and creates, counts and sends nothing twice.
 */
export class RunBulkNotification implements JobHandler<BulkJobData> {
  constructor(
    private readonly send: SendNotification,
    private readonly users: UserRepository,
    private readonly bulks: BulkNotificationStore,
    private readonly notifications: NotificationRepository,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  async handle(job: RunningJob<BulkJobData>): Promise<void> {
    const bulk = await this.bulks.findById(job.data.bulkId);
    if (!bulk) throw new PermanentJobError(`bulk send ${job.data.bulkId} not found`);
    if (bulk.walked !== undefined) return;
    let after: string | undefined;
    for (;;) {
      const page = await this.users.pageBySegment(bulk.segment, after, BULK_PAGE);
      if (page.length === 0) break;
      const results = await Promise.all(
        page.map((user) =>
          this.send.execute({
            id: `${bulk.id}-${user.id}`,
            channel: bulk.channel,
            to: { userId: user.id },
            ...(bulk.template !== undefined ? { template: bulk.template } : {}),
            ...(bulk.variables !== undefined ? { variables: bulk.variables } : {}),
            ...(bulk.custom !== undefined ? { custom: bulk.custom } : {}),
            category: 'marketing',
            metadata: { bulkId: bulk.id, requestedBy: bulk.requestedBy },
          }),
        ),
      );
      for (const [i, r] of results.entries()) {
        if (r.isErr()) {
          this.logger.warn('bulk send: a recipient was left out', {
            bulkId: bulk.id,
            userId: page[i]!.id,
            code: r.error.code,
          });
        }
      }
      after = page[page.length - 1]!.id;
    }
    const { pending, sent, failed } = await this.notifications.countByBulk(bulk.id);
    await this.bulks.finish(bulk.id, pending + sent + failed, this.clock.now());
  }
}

/** GET /api/notifications/bulk/:id: the bulk send with its progress. */
export class GetBulkNotification {
  constructor(
    private readonly bulks: BulkNotificationStore,
    private readonly notifications: NotificationRepository,
  ) {}

  async execute(
    id: string,
  ): Promise<Result<{ bulk: BulkNotification; progress: BulkProgress }, DomainError>> {
    const bulk = await this.bulks.findById(id);
    if (!bulk) return Err(notFound());
    const counts = await this.notifications.countByBulk(id);
    return Ok({
      bulk,
      progress: bulkProgress({ estimated: bulk.estimated, walked: bulk.walked, ...counts }),
    });
  }
}
