import { expect } from 'chai';
import type { RecommendationModels } from '../../../application/discovery/ports.js';
import type { RecommendationModel } from '../../../domain/discovery/model.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryRecommendationModels } from '../../../adapters/persistence/memory/discovery-recommendation-models.js';
import {
  MODEL_CHUNK_PRODUCTS,
  MongoRecommendationModels,
} from '../../../adapters/persistence/mongo/discovery-recommendation-models.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';

/** A model of `products` products (p0000, p0001, ...), each with 3 neighbours. */
function aModel(version: number, products = 3, tag = 0): RecommendationModel {
  const ids = Array.from({ length: products }, (_, i) => `p${String(i).padStart(4, '0')}`);
  return {
    version,
    trainedAt: new Date(Date.UTC(2026, 5, version, 10)),
    trainingData: { orders: 10 * version, wishlists: 2, views: 7, products },
    metrics: {
      evaluatedOrders: 4,
      hitRateAt10: 0.5 + tag,
      ndcgAt10: 0.25,
      baseline: { hitRateAt10: 0.25, ndcgAt10: 0.125 },
    },
    neighbours: Object.fromEntries(
      ids.map((id, i) => [
        id,
        [1, 2, 3].map((d) => ({ id: ids[(i + d) % ids.length]!, score: 1 / d + tag })),
      ]),
    ),
    popular: ids.map((id, i) => ({ id, score: products - i })),
  };
}

function header(m: RecommendationModel): Omit<RecommendationModel, 'neighbours' | 'popular'> {
  const { neighbours: _n, popular: _p, ...rest } = m;
  return rest;
}

function contract(make: (keepVersions: number) => Promise<RecommendationModels>): void {
  it('answers nothing before the first model', async () => {
    const store = await make(5);
    expect(await store.latest()).to.equal(null);
    expect(await store.latestVersion()).to.equal(0);
    expect(await store.list(10)).to.deep.equal([]);
  });

  it('stores a large model whole and serves the highest version', async () => {
    const store = await make(5);
    const big = aModel(2, MODEL_CHUNK_PRODUCTS * 2 + 17);
    await store.save(aModel(1));
    await store.save(big);
    expect(await store.latestVersion()).to.equal(2);
    expect(await store.latest()).to.deep.equal(big);
  });

  it('does not store a version twice (a retried job): the first save stands', async () => {
    const store = await make(5);
    await store.save(aModel(1, 3, 0));
    await store.save(aModel(1, 3, 100));
    expect(await store.latest()).to.deep.equal(aModel(1, 3, 0));
    expect(await store.list(10)).to.have.length(1);
  });

  it('lists versions newest first with their metrics and no neighbours', async () => {
    const store = await make(5);
    for (const v of [1, 2, 3]) await store.save(aModel(v));
    expect(await store.list(2)).to.deep.equal([header(aModel(3)), header(aModel(2))]);
  });

  it('keeps the last N versions', async () => {
    const store = await make(2);
    for (const v of [1, 2, 3, 4]) await store.save(aModel(v, 4));
    expect((await store.list(10)).map((m) => m.version)).to.deep.equal([4, 3]);
    expect(await store.latest()).to.deep.equal(aModel(4, 4));
  });
}

describe('contract: RecommendationModels (memory)', () => {
  contract(async (keepVersions) => new MemoryRecommendationModels(new MemoryDatabase(), { keepVersions }));
});

describeWith(['mongo'], 'contract: RecommendationModels (mongo)', () => {
  const mongo = useMongo('recommendation_models_contract');
  contract(async (keepVersions) => {
    const store = new MongoRecommendationModels(mongo.connection(), { keepVersions });
    await mongo.reset();
    return store;
  });

  it('a save that died after writing chunks serves nothing of it, and the retry serves only its own', async () => {
    const store = new MongoRecommendationModels(mongo.connection(), { keepVersions: 5 });
    await mongo.reset();
    await store.save(aModel(1));
    const chunks = mongo.connection().collection('recommendation_model_chunks');
    // The half save of version 2: more chunks than the real one, with other neighbours, no header.
    await chunks.insertMany(
      [0, 1, 2].map((index) => ({
        _id: `2:dead:${index}` as never,
        version: 2,
        saveId: 'dead',
        index,
        entries: [{ p: 'p0000', n: [{ id: 'ghost', score: 9 }] }],
      })),
    );
    expect(await store.latestVersion()).to.equal(1);
    expect(await store.latest()).to.deep.equal(aModel(1));
    await store.save(aModel(2));
    expect(await store.latest()).to.deep.equal(aModel(2));
    expect(await chunks.countDocuments({ saveId: 'dead' })).to.equal(0);
  });
});
