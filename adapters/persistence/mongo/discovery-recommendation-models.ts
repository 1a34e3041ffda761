import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { RecommendationModels } from '../../../application/discovery/ports.js';
import type { RecommendationSettings } from '../../../application/discovery/settings.js';
import type { ModelMetrics, Neighbour, RecommendationModel } from '../../../domain/discovery/model.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

/** Products per chunk document (20 neighbours each: well under the 16 MB document limit). */
export const MODEL_CHUNK_PRODUCTS = 500;

interface HeaderDocument {
  _id: number;
  saveId: string;
  chunks: number;
  trainedAt: Date;
  trainingData: RecommendationModel['trainingData'];
  metrics: ModelMetrics;
  popular: Neighbour[];
}

interface ChunkDocument {
  _id: string;
  version: number;
  saveId: string;
  index: number;
  entries: { p: string; n: Neighbour[] }[];
}

const HEADER_SCHEMA = new Schema<HeaderDocument>(
  { _id: { type: Number, required: true } },
  { versionKey: false, collection: 'recommendation_models', id: false, strict: false, timestamps: false },
);
const CHUNK_SCHEMA = new Schema<ChunkDocument>(
  { _id: { type: String, required: true }, version: Number, saveId: String, index: Number },
  {
    versionKey: false,
    collection: 'recommendation_model_chunks',
    id: false,
    strict: false,
    timestamps: false,
  },
);
CHUNK_SCHEMA.index({ version: 1, saveId: 1, index: 1 }, { name: 'recommendation_model_chunks_version' });

function models(connection: Connection): { headers: Model<HeaderDocument>; chunks: Model<ChunkDocument> } {
  return {
    headers: (connection.models.RecommendationModel ??
      connection.model('RecommendationModel', HEADER_SCHEMA)) as unknown as Model<HeaderDocument>,
    chunks: (connection.models.RecommendationModelChunk ??
      connection.model('RecommendationModelChunk', CHUNK_SCHEMA)) as unknown as Model<ChunkDocument>,
  };
}

/**
 * A model is one header (`recommendation_models`, `_id` = version: metrics, popularity list) and
 * its neighbours in chunk documents (`recommendation_model_chunks`, MODEL_CHUNK_PRODUCTS products
 * each). The chunks are written first under a save id, the header last: a reader finds a version
 * only once its header exists, and reads the chunks of that header's save only, so a crash (or a
 * second save) mid-way never serves half a model. A version whose header exists is not saved
 * again. After a save, versions beyond `keepVersions` and chunks no header points at are deleted.
 */
export class MongoRecommendationModels implements RecommendationModels {
  private readonly headers: Model<HeaderDocument>;
  private readonly chunks: Model<ChunkDocument>;

  constructor(
    connection: Connection,
    private readonly settings: Pick<RecommendationSettings, 'keepVersions'>,
  ) {
    ({ headers: this.headers, chunks: this.chunks } = models(connection));
  }

  async save(model: RecommendationModel): Promise<void> {
    const version = model.version;
    if (await this.headers.collection.findOne({ _id: version } as never, { projection: { _id: 1 } })) return;
    const saveId = randomUUID();
    const entries = Object.entries(model.neighbours);
    let index = 0;
    for (let from = 0; from < entries.length; from += MODEL_CHUNK_PRODUCTS, index++) {
      const doc: ChunkDocument = {
        _id: `${version}:${saveId}:${index}`,
        version,
        saveId,
        index,
        entries: entries
          .slice(from, from + MODEL_CHUNK_PRODUCTS)
          .map(([p, n]) => ({ p, n: n.map(({ id, score }) => ({ id, score })) })),
      };
      await this.chunks.collection.replaceOne({ _id: doc._id } as never, doc as never, { upsert: true });
    }
    const header: HeaderDocument = {
      _id: version,
      saveId,
      chunks: index,
      trainedAt: model.trainedAt,
      trainingData: { ...model.trainingData },
      metrics: { ...model.metrics, baseline: { ...model.metrics.baseline } },
      popular: model.popular.map(({ id, score }) => ({ id, score })),
    };
    try {
      await this.headers.collection.insertOne(header as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Another save of this version won: its header stands; ours are orphans, swept below.
    }
    await this.prune();
  }

  async latest(): Promise<RecommendationModel | null> {
    // A newer save may prune the header we just read: read again (a bounded number of times).
    for (let attempt = 0; attempt < 3; attempt++) {
      const [header] = await openCollection(this.headers).find({}).sort({ _id: -1 }).limit(1).toArray();
      if (!header) return null;
      const docs = (await openCollection(this.chunks)
        .find({ version: header._id, saveId: header.saveId } as never)
        .sort({ index: 1 })
        .toArray()) as unknown as ChunkDocument[];
      if (docs.length !== header.chunks) continue;
      const neighbours: Record<string, Neighbour[]> = {};
      for (const doc of docs) for (const e of doc.entries) neighbours[e.p] = e.n;
      return { ...this.toHeader(header as unknown as HeaderDocument), neighbours, popular: header.popular };
    }
    throw new Error('recommendation models: the newest model changed during three reads in a row');
  }

  async latestVersion(): Promise<number> {
    const [header] = await openCollection(this.headers)
      .find({}, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .limit(1)
      .toArray();
    return (header?._id as number | undefined) ?? 0;
  }

  async list(limit: number): Promise<Omit<RecommendationModel, 'neighbours' | 'popular'>[]> {
    const docs = await openCollection(this.headers)
      .find({}, { projection: { popular: 0 } })
      .sort({ _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => this.toHeader(d as unknown as HeaderDocument));
  }

  private toHeader(d: HeaderDocument): Omit<RecommendationModel, 'neighbours' | 'popular'> {
    return {
      version: d._id,
      trainedAt: new Date(d.trainedAt),
      trainingData: d.trainingData,
      metrics: d.metrics,
    };
  }

  /** Deletes versions beyond keepVersions (chunks first), then chunks no header points at. */
  private async prune(): Promise<void> {
    const kept = await openCollection(this.headers)
      .find({}, { projection: { _id: 1, saveId: 1 } })
      .sort({ _id: -1 })
      .toArray();
    const stale = kept.slice(this.settings.keepVersions).map((h) => h._id as unknown as number);
    if (stale.length > 0) {
      await this.chunks.collection.deleteMany({ version: { $in: stale } } as never);
      await this.headers.collection.deleteMany({ _id: { $in: stale } } as never);
    }
    // Chunks of a save whose header never got written (a crash, a lost race) of a kept version.
    for (const h of kept.slice(0, this.settings.keepVersions)) {
      await this.chunks.collection.deleteMany({ version: h._id, saveId: { $ne: h.saveId } } as never);
    }
    // Older chunks left by crashed saves of versions that no longer exist.
    const oldest = kept.slice(0, this.settings.keepVersions).at(-1)?._id as number | undefined;
    if (oldest !== undefined) await this.chunks.collection.deleteMany({ version: { $lt: oldest } } as never);
  }
}
