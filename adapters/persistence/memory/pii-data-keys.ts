import type { PiiDataKeyStore, WrappedDataKey } from '../../../application/shared/pii.js';
import type { MemoryDatabase } from './memory-database.js';

/** The wrapped data key versions in `pii.keys` (by id). */
export class MemoryPiiDataKeyStore implements PiiDataKeyStore {
  private readonly keys: Map<string, WrappedDataKey>;

  constructor(db: MemoryDatabase) {
    this.keys = db.collection<WrappedDataKey>('pii.keys');
  }

  async list(): Promise<WrappedDataKey[]> {
    return [...this.keys.values()].sort((a, b) => a.version - b.version).map((k) => ({ ...k }));
  }

  async add(key: WrappedDataKey): Promise<boolean> {
    if (this.keys.has(key.id)) return false;
    this.keys.set(key.id, { ...key });
    return true;
  }
}
