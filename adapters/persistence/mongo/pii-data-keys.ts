import { Schema, type Connection, type Model } from 'mongoose';
import type { PiiDataKeyStore, WrappedDataKey } from '../../../application/shared/pii.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

type DataKeyDocument = { _id: string } & Omit<WrappedDataKey, 'id'>;

/** `_id` = the version's id (`k1`, ...): two instances making the same version, the first wins. */
export const PII_DATA_KEY_SCHEMA = new Schema<DataKeyDocument>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    wrapped: { type: String, required: true },
    masterKeyId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'pii_keys', id: false },
);

function model(connection: Connection): Model<DataKeyDocument> {
  return (connection.models.PiiDataKey ??
    connection.model('PiiDataKey', PII_DATA_KEY_SCHEMA)) as unknown as Model<DataKeyDocument>;
}

/** The wrapped data key versions in `pii_keys` (never a key in clear). */
export class MongoPiiDataKeyStore implements PiiDataKeyStore {
  private readonly keys: Model<DataKeyDocument>;

  constructor(connection: Connection) {
    this.keys = model(connection);
  }

  async list(): Promise<WrappedDataKey[]> {
    const docs = await openCollection(this.keys).find<DataKeyDocument>({}).sort({ version: 1 }).toArray();
    return docs.map((d) => ({
      id: d._id,
      version: d.version,
      wrapped: d.wrapped,
      masterKeyId: d.masterKeyId,
      createdAt: d.createdAt,
    }));
  }

  async add(key: WrappedDataKey): Promise<boolean> {
    const { id, ...rest } = key;
    try {
      await this.keys.collection.insertOne({ _id: id, ...rest } as never);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
