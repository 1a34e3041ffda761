import type { Connection } from 'mongoose';

export interface IndexReport {
  readonly collection: string;
  readonly name: string;
  readonly keys: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  /** `created` (or already there), or `unsupported`: the server refused an option (FerretDB lacks TTL and partial indexes). */
  readonly status: 'created' | 'unsupported';
  readonly detail?: string;
}

/**
 * Creates every index the connection's models declare (`schema.index(...)`), one by one, so a
 * server that lacks an option (FerretDB 1.24: TTL, partial, text) refuses only that index. The
 * code never depends on those: TTL-like cleanup and guards are done by the code itself.
 */
export async function ensureIndexes(connection: Connection): Promise<IndexReport[]> {
  const reports: IndexReport[] = [];
  for (const model of Object.values(connection.models)) {
    const collection = model.collection.collectionName;
    await model.createCollection().catch(() => undefined); // exists already
    for (const [keys, options] of model.schema.indexes()) {
      const opts = { background: true, ...options } as Record<string, unknown>;
      const name =
        (opts.name as string | undefined) ??
        Object.entries(keys)
          .map(([k, v]) => `${k}_${String(v)}`)
          .join('_');
      try {
        await model.collection.createIndex(keys as Record<string, 1 | -1>, { ...opts, name });
        reports.push({ collection, name, keys, options: opts, status: 'created' });
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        if (/not implemented|not supported|unsupported|can't find index/i.test(message)) {
          reports.push({ collection, name, keys, options: opts, status: 'unsupported', detail: message });
        } else {
          throw error;
        }
      }
    }
  }
  return reports;
}
