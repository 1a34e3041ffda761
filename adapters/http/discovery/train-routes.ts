import { Type } from '@fastify/type-provider-typebox';
import {
  GetTraining,
  ListRecommendationModels,
  StartTraining,
  type TrainingJob,
} from '../../../application/discovery/train-model.js';
import type { RecommendationModel } from '../../../domain/discovery/model.js';
import { authHooks, principalOf } from '../auth.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IsoDate, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const Metrics = Type.Object({
  evaluatedOrders: Type.Integer(),
  hitRateAt10: Type.Number(),
  ndcgAt10: Type.Number(),
  baseline: Type.Object({ hitRateAt10: Type.Number(), ndcgAt10: Type.Number() }),
});

const ModelSchema = Type.Object({
  version: Type.Integer(),
  trainedAt: IsoDate,
  trainingData: Type.Object({
    orders: Type.Integer(),
    wishlists: Type.Integer(),
    views: Type.Integer(),
    products: Type.Integer(),
  }),
  metrics: Metrics,
});

const JobSchema = Type.Object({
  jobId: Type.String(),
  state: Type.Union([
    Type.Literal('waiting'),
    Type.Literal('delayed'),
    Type.Literal('active'),
    Type.Literal('completed'),
    Type.Literal('dead'),
  ]),
  progress: Type.Number({ description: '0-100' }),
  version: Type.Integer({ description: 'the model version this training stores' }),
  error: Type.Optional(Type.String()),
  result: Type.Optional(ModelSchema),
});

type ModelHeader = Omit<RecommendationModel, 'neighbours' | 'popular'>;

function presentModel(m: ModelHeader) {
  return { ...m, trainedAt: m.trainedAt.toISOString() };
}

function presentJob(job: TrainingJob) {
  const { result, ...rest } = job;
  return { ...rest, ...(result ? { result: presentModel(result) } : {}) };
}

/**
 * Training the recommendation model (admin), under /api/recommendations: POST /train queues a
 * training (one at a time), GET /train/:jobId follows it, GET /models lists the stored versions.
 */
export async function recommendationTrainingRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const { requireAdmin } = authHooks(deps.resolve);
  const start = deps.resolve.get(StartTraining);
  const get = deps.resolve.get(GetTraining);
  const list = deps.resolve.get(ListRecommendationModels);
  const tags = ['recommendations'];

  app.post(
    '/train',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Train the recommendation model (admin): queues a job and answers at once',
        description:
          'Trains an item-to-item model from co-purchases, wishlists and views blended with content ' +
          'similarity, evaluates it on held-out orders against a popularity baseline and stores it as ' +
          'the next version. One training at a time: while one waits or runs, this answers that job.',
        security: bearerAuth,
        response: { 202: success({ job: JobSchema }), ...errors(401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const job = unwrap(await start.execute({ requestedBy: principalOf(request).user.id }));
      reply.status(202);
      return { status: 'success' as const, data: { job: presentJob(job) } };
    },
  );

  app.get(
    '/train/:jobId',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'A training job (admin): state, progress and, once completed, the version and metrics',
        security: bearerAuth,
        params: Type.Object(
          { jobId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: success({ job: JobSchema }), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const job = unwrap(await get.execute(request.params.jobId));
      return { status: 'success' as const, data: { job: presentJob(job) } };
    },
  );

  app.get(
    '/models',
    {
      preHandler: requireAdmin,
      schema: {
        tags,
        summary: 'Stored recommendation models (admin), newest first, with their evaluation metrics',
        security: bearerAuth,
        response: { 200: success({ models: Type.Array(ModelSchema) }), ...errors(401, 403, 429) },
      },
    },
    async () => ({ status: 'success' as const, data: { models: (await list.execute()).map(presentModel) } }),
  );
}
