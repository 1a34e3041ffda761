import type { RecommendationModel } from '../../domain/discovery/model.js';
import {
  DEFAULT_TRAINING,
  evaluateSteps,
  trainSteps,
  type TrainingData,
  type TrainingProgress,
} from '../../domain/discovery/training.js';
import { DAY_MS, dayKey } from '../../domain/discovery/scoring.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { ProductRepository } from '../catalog/index.js';
import type { UserRepository } from '../identity/index.js';
import type { OrderRepository } from '../ordering/index.js';
import type { JobHandler, JobQueue, JobState, RunningJob } from '../shared/job-queue.js';
import type { AppLogger, Clock } from '../shared/ports.js';
import type { RecommendationModels, ProductViews } from './ports.js';
import type { RecommendationSettings } from './settings.js';

/** The queue and job of a training; the job id names the version it stores (`train-v<n>`). */
export const RECOMMENDATIONS_QUEUE = 'recommendations';
export const TRAIN_JOB = 'train';
export interface TrainJobData {
  /** The version this training stores. */
  readonly version: number;
  readonly requestedBy?: string;
}

/** Product views counted for popularity: the last 90 days. */
export const TRAINING_VIEW_DAYS = 90;
/** Users read per page when collecting wishlists. */
const USER_PAGE = 500;

/** Gives the event loop back (requests keep being answered while a large catalogue trains). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Trains, evaluates and stores one model version: reads orders, wishlists (the users' favourites),
 * recent product views and products; evaluates on held-out orders, trains on everything, saves as
 * `version`. Progress goes to `onProgress` (0-100). Runs in the job (TrainRecommendationModelJob)
 * and in the CLI (`recommendations:train`).
 */
export class TrainRecommendationModel {
  constructor(
    private readonly products: ProductRepository,
    private readonly orders: OrderRepository,
    private readonly users: UserRepository,
    private readonly views: ProductViews,
    private readonly models: RecommendationModels,
    private readonly settings: RecommendationSettings,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  /** The next version (latest + 1). */
  async nextVersion(): Promise<number> {
    return (await this.models.latestVersion()) + 1;
  }

  /**
   * Trains and stores `version`, unless it is stored already (a retried or resumed job): then
   * answers null and stores nothing.
   */
  async run(
    version: number,
    onProgress: (percentage: number) => Promise<void> | void = () => undefined,
  ): Promise<RecommendationModel | null> {
    if ((await this.models.latestVersion()) >= version) return null;
    const data = await this.load();
    await onProgress(10);
    const settings = { ...DEFAULT_TRAINING, neighbours: this.settings.neighbours };
    const metrics = await this.drive(evaluateSteps(data, settings), 10, 50, onProgress);
    const trained = await this.drive(trainSteps(data, settings), 50, 95, onProgress);
    const model: RecommendationModel = {
      version,
      trainedAt: this.clock.now(),
      trainingData: {
        orders: data.orders.filter((o) => !o.cancelled).length,
        wishlists: data.wishlists.length,
        views: data.views.reduce((n, v) => n + v.count, 0),
        products: data.products.length,
      },
      metrics,
      neighbours: trained.neighbours,
      popular: trained.popular,
    };
    await this.models.save(model);
    await onProgress(100);
    this.logger.info('recommendations: model trained', {
      version,
      trainingData: model.trainingData,
      metrics,
    });
    return model;
  }

  /** Runs a training generator, yielding to the event loop at each step, mapping progress to [from, to]. */
  private async drive<T>(
    steps: Generator<TrainingProgress, T>,
    from: number,
    to: number,
    onProgress: (percentage: number) => Promise<void> | void,
  ): Promise<T> {
    let reported = -1;
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      const percentage = Math.floor(from + (to - from) * Math.min(1, next.value));
      if (percentage !== reported) {
        reported = percentage;
        await onProgress(percentage);
      }
      await yieldToEventLoop();
    }
  }

  private async load(): Promise<TrainingData> {
    const products = (await this.products.all()).map((p) => ({
      id: p.id,
      categoryId: p.categoryId,
      occasions: p.occasions,
      flowerTypes: p.flowerTypes,
      colors: p.colors,
      tags: p.tags,
      price: p.price,
    }));
    const orders = (await this.orders.listCreatedBetween()).map((o) => ({
      id: o.id,
      userId: o.userId,
      createdAt: o.createdAt,
      cancelled: o.status === 'cancelled',
      productIds: o.items.map((l) => l.productId),
    }));
    const wishlists: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.users.pageBySegment({ kind: 'all' }, after, USER_PAGE);
      if (page.length === 0) break;
      for (const u of page) if (u.favorites.length > 0) wishlists.push([...u.favorites]);
      after = page[page.length - 1]!.id;
      await yieldToEventLoop();
    }
    const from = dayKey(new Date(this.clock.now().getTime() - TRAINING_VIEW_DAYS * DAY_MS));
    const counts = new Map<string, number>();
    for (const v of await this.views.since(from))
      counts.set(v.productId, (counts.get(v.productId) ?? 0) + v.count);
    const views = [...counts].map(([productId, count]) => ({ productId, count }));
    return { products, orders, wishlists, views };
  }
}

/** The processor of `train` jobs on the `recommendations` queue: stores the job's version once. */
export class TrainRecommendationModelJob implements JobHandler<TrainJobData> {
  constructor(private readonly training: TrainRecommendationModel) {}

  async handle(job: RunningJob<TrainJobData>): Promise<void> {
    await this.training.run(job.data.version, (p) => job.reportProgress(p));
  }
}

/** A training job as the API shows it. */
export interface TrainingJob {
  readonly jobId: string;
  readonly state: JobState;
  readonly progress: number;
  /** The version the job stores. */
  readonly version: number;
  readonly error?: string;
  /** Once completed: the stored model's version, date, data sizes and metrics. */
  readonly result?: Omit<RecommendationModel, 'neighbours' | 'popular'>;
}

function trainJobId(version: number, retry: number): string {
  return retry === 0 ? `train-v${version}` : `train-v${version}-r${retry}`;
}

/**
 * POST /api/recommendations/train: queues the training of the next version (job id
 * `train-v<next>`). One training at a time: while it waits or runs, a second request gets the same
 * job id, and the queue answers the running job. A dead job of that version is followed by a new
 * one (`train-v<next>-r1`, ...).
 */
export class StartTraining {
  constructor(
    private readonly training: TrainRecommendationModel,
    private readonly queue: JobQueue,
  ) {}

  async execute(input: { requestedBy?: string } = {}): Promise<Result<TrainingJob, DomainError>> {
    const version = await this.training.nextVersion();
    for (let retry = 0; retry < 100; retry++) {
      const job = await this.queue.add<TrainJobData>(
        RECOMMENDATIONS_QUEUE,
        TRAIN_JOB,
        { version, ...(input.requestedBy !== undefined ? { requestedBy: input.requestedBy } : {}) },
        { jobId: trainJobId(version, retry), attempts: 2 },
      );
      if (job.state !== 'dead') {
        return Ok({ jobId: job.id, state: job.state, progress: job.progress, version });
      }
    }
    return Err(domainError('CONFLICT', 'Too many failed trainings of this version'));
  }
}

/** GET /api/recommendations/train/:jobId: state, progress and, once done, the stored model's metrics. */
export class GetTraining {
  constructor(
    private readonly queue: JobQueue,
    private readonly models: RecommendationModels,
    private readonly settings: RecommendationSettings,
  ) {}

  async execute(jobId: string): Promise<Result<TrainingJob, DomainError>> {
    const job = await this.queue.get<TrainJobData>(RECOMMENDATIONS_QUEUE, jobId);
    if (!job) return Err(domainError('NOT_FOUND', 'Training job not found'));
    const version = job.data.version;
    const result =
      job.state === 'completed'
        ? (await this.models.list(this.settings.keepVersions)).find((m) => m.version === version)
        : undefined;
    return Ok({
      jobId: job.id,
      state: job.state,
      progress: job.progress,
      version,
      ...(job.lastError !== undefined && job.state !== 'completed' ? { error: job.lastError } : {}),
      ...(result ? { result } : {}),
    });
  }
}

/** GET /api/recommendations/models: the stored versions with their metrics, newest first. */
export class ListRecommendationModels {
  constructor(
    private readonly models: RecommendationModels,
    private readonly settings: RecommendationSettings,
  ) {}

  async execute(): Promise<Omit<RecommendationModel, 'neighbours' | 'popular'>[]> {
    return this.models.list(this.settings.keepVersions);
  }
}
