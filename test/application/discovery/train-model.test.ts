import { expect } from 'chai';
import { RECOMMENDATION_MODELS, type RecommendationModels } from '../../../application/discovery/ports.js';
import {
  TrainRecommendationModel,
  TrainRecommendationModelJob,
  type TrainJobData,
} from '../../../application/discovery/train-model.js';
import type { RunningJob } from '../../../application/shared/job-queue.js';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { cliContainer } from '../../support/cli.js';
import { testConfig } from '../../support/harness.js';
import { ConfigError } from '../../../bootstrap/config.js';
import { aProduct } from '../../support/kit.js';

describe('application/discovery: the training job', () => {
  it('reports rising progress to 100, and a retried job (same version) stores nothing twice', async () => {
    const container = await cliContainer();
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    for (let i = 0; i < 3; i++) await products.create(aProduct());
    const progress: number[] = [];
    const job = (attempt: number): RunningJob<TrainJobData> => ({
      id: 'train-v1',
      name: 'train',
      data: { version: 1 },
      attempt,
      maxAttempts: 2,
      reportProgress: async (p) => {
        progress.push(p);
      },
    });
    const handler = container.get(TrainRecommendationModelJob);
    await handler.handle(job(1));
    expect(progress.at(-1)).to.equal(100);
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    const store = container.get<RecommendationModels>(RECOMMENDATION_MODELS);
    const first = await store.latest();
    expect(first!.version).to.equal(1);
    expect(Object.keys(first!.neighbours)).to.have.length(3);

    await handler.handle(job(2));
    expect(await store.list(10)).to.have.length(1);
    expect((await store.latest())!.trainedAt).to.deep.equal(first!.trainedAt);
    expect(await container.get(TrainRecommendationModel).run(1)).to.equal(null);
  });

  it('gives the event loop back between slices while a large catalogue trains (requests keep being answered)', async () => {
    const container = await cliContainer();
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    for (let i = 0; i < 1000; i++) await products.create(aProduct());
    let turns = 0;
    let running = true;
    const turn = () => {
      turns += 1;
      if (running) setImmediate(turn);
    };
    setImmediate(turn);
    const model = await container.get(TrainRecommendationModel).run(1);
    running = false;
    expect(Object.keys(model!.neighbours)).to.have.length(1000);
    // Evaluation and training each pass over 1000 products in slices of 100: 20+ turns of the
    // loop ran in between (a training that never yielded would let none run).
    expect(turns).to.be.at.least(20);
  });

  it('RECOMMENDATIONS_NEIGHBOURS bounds the neighbours, RECOMMENDATIONS_KEEP_VERSIONS the versions kept', async () => {
    const container = await cliContainer({
      RECOMMENDATIONS_NEIGHBOURS: '1',
      RECOMMENDATIONS_KEEP_VERSIONS: '1',
    });
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    for (let i = 0; i < 3; i++) await products.create(aProduct());
    const training = container.get(TrainRecommendationModel);
    const model = await training.run(1);
    for (const list of Object.values(model!.neighbours)) expect(list).to.have.length(1);
    await training.run(2);
    const store = container.get<RecommendationModels>(RECOMMENDATION_MODELS);
    expect((await store.list(10)).map((m) => m.version)).to.deep.equal([2]);
    expect(() => testConfig({ RECOMMENDATIONS_NEIGHBOURS: '0' })).to.throw(
      ConfigError,
      /RECOMMENDATIONS_NEIGHBOURS/,
    );
    expect(() => testConfig({ RECOMMENDATIONS_KEEP_VERSIONS: 'x' })).to.throw(
      ConfigError,
      /RECOMMENDATIONS_KEEP_VERSIONS/,
    );
  });
});
