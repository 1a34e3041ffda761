import { Schema, type Connection, type Model } from 'mongoose';
import type {
  SavedSearchStore,
  SearchHistoryStore,
  SearchTermCounts,
} from '../../../application/search/records-ports.js';
import {
  newestFirst,
  withHistoryEntry,
  withSavedSearch,
  type DailyTermCount,
  type HistoryEntry,
  type SavedSearch,
  type SaveOutcome,
} from '../../../domain/search/records.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';
import { openCollection } from './open-collection.js';

/** One user's list (saved searches, or history) as one document with an optimistic version. */
interface UserListDocument<E> {
  _id: string;
  entries: E[];
  version: number;
}

function userListModel<E>(
  connection: Connection,
  name: string,
  collection: string,
): Model<UserListDocument<E>> {
  // The entries are written whole through the driver (never through mongoose's casting).
  const schema = new Schema(
    {
      _id: { type: String, required: true },
      entries: { type: [Schema.Types.Mixed], required: true },
      version: { type: Number, required: true },
    },
    { versionKey: false, collection, id: false, timestamps: false },
  );
  return (connection.models[name] ?? connection.model(name, schema)) as unknown as Model<UserListDocument<E>>;
}

/**
 * Read, change, write one user's list document: the write is guarded by the version read (a
 * racing writer makes it match nothing, and it is tried again on the fresh list), and on FerretDB,
 * whose guarded updates are not atomic, it runs under the document's DocumentLock. No `$push`
 * with `$slice` or `$pull` by element field: the whole (small, capped) list is rewritten.
 */
class UserLists<E> {
  private readonly locks: DocumentLock;

  constructor(
    connection: Connection,
    private readonly model: Model<UserListDocument<E>>,
  ) {
    this.locks = new DocumentLock(connection);
  }

  async read(userId: string): Promise<E[]> {
    const doc = await this.model.collection.findOne({ _id: userId } as never);
    return (doc?.entries as E[] | undefined) ?? [];
  }

  /** Applies `change` to the user's entries; `null` from it leaves the document as it is. */
  async update<R>(userId: string, change: (entries: E[]) => { entries: E[] | null; answer: R }): Promise<R> {
    const key = `${this.model.collection.collectionName}:${userId}`;
    return this.locks.exclusive(key, async () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const doc = await this.model.collection.findOne({ _id: userId } as never);
        const { entries, answer } = change((doc?.entries as E[] | undefined) ?? []);
        if (entries === null) return answer;
        if (!doc) {
          try {
            await this.model.collection.insertOne({ _id: userId, entries, version: 1 } as never);
            return answer;
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
            continue;
          }
        }
        const version = doc.version as number;
        const r = await this.model.collection.updateOne(
          { _id: userId, version } as never,
          {
            $set: { entries, version: version + 1 },
          } as never,
        );
        if (r.matchedCount === 1) return answer;
      }
      throw new Error(`${key}: too many concurrent updates`);
    });
  }

  async clear(userId: string): Promise<void> {
    await this.locks.exclusive(`${this.model.collection.collectionName}:${userId}`, async () => {
      await this.model.collection.deleteOne({ _id: userId } as never);
    });
  }
}

/** A saved search as stored: the filters as JSON text, so any key the client used is kept as is. */
interface SavedSearchEntry {
  id: string;
  name: string;
  query: string;
  filters: string;
  createdAt: Date;
}

const toEntry = (s: SavedSearch): SavedSearchEntry => ({
  id: s.id,
  name: s.name,
  query: s.query,
  filters: JSON.stringify(s.filters),
  createdAt: s.createdAt,
});
const fromEntry =
  (userId: string) =>
  (e: SavedSearchEntry): SavedSearch => ({
    id: e.id,
    userId,
    name: e.name,
    query: e.query,
    filters: JSON.parse(e.filters) as Record<string, unknown>,
    createdAt: new Date(e.createdAt),
  });

/** One document per user in `saved_searches` (`_id` = user id): the cap and the name rule hold in one guarded write. */
export class MongoSavedSearchStore implements SavedSearchStore {
  private readonly lists: UserLists<SavedSearchEntry>;

  constructor(connection: Connection) {
    this.lists = new UserLists(connection, userListModel(connection, 'SavedSearches', 'saved_searches'));
  }

  async save(search: SavedSearch, cap: number): Promise<SaveOutcome> {
    return this.lists.update(search.userId, (entries) => {
      const r = withSavedSearch(entries.map(fromEntry(search.userId)), search, cap);
      return { entries: r.outcome === 'full' ? null : r.list.map(toEntry), answer: r };
    });
  }

  async list(userId: string): Promise<SavedSearch[]> {
    return newestFirst((await this.lists.read(userId)).map(fromEntry(userId)));
  }

  async remove(userId: string, id: string): Promise<boolean> {
    return this.lists.update(userId, (entries) => {
      const rest = entries.filter((e) => e.id !== id);
      return rest.length === entries.length
        ? { entries: null, answer: false }
        : { entries: rest, answer: true };
    });
  }
}

/** One document per user in `search_history` (`_id` = user id), newest first, capped in the same write. */
export class MongoSearchHistoryStore implements SearchHistoryStore {
  private readonly lists: UserLists<HistoryEntry>;

  constructor(connection: Connection) {
    this.lists = new UserLists(connection, userListModel(connection, 'SearchHistory', 'search_history'));
  }

  async append(userId: string, entry: HistoryEntry, limit: number): Promise<void> {
    await this.lists.update(userId, (entries) => ({
      entries: withHistoryEntry(
        entries.map((e) => ({ query: e.query, timestamp: new Date(e.timestamp) })),
        entry,
        limit,
      ),
      answer: undefined,
    }));
  }

  async list(userId: string): Promise<HistoryEntry[]> {
    return (await this.lists.read(userId)).map((e) => ({ query: e.query, timestamp: new Date(e.timestamp) }));
  }

  async clear(userId: string): Promise<void> {
    await this.lists.clear(userId);
  }
}

interface TermDocument {
  _id: string;
  term: string;
  day: string;
  count: number;
}

const TERM_SCHEMA = new Schema<TermDocument>(
  {
    _id: { type: String, required: true },
    term: { type: String, required: true },
    day: { type: String, required: true },
    count: { type: Number, required: true },
  },
  { versionKey: false, collection: 'search_terms', id: false, timestamps: false },
);
TERM_SCHEMA.index({ day: 1 }, { name: 'search_terms_day' });

/**
 * One document per term per day (`_id` = `day:term`), `$inc` upserted; under the counter's
 * DocumentLock on FerretDB (its `$inc` is a read-then-write); a racing first upsert is retried.
 */
export class MongoSearchTermCounts implements SearchTermCounts {
  private readonly model: Model<TermDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.model = (connection.models.SearchTerms ??
      connection.model('SearchTerms', TERM_SCHEMA)) as unknown as Model<TermDocument>;
    this.locks = new DocumentLock(connection);
  }

  async increment(term: string, day: string): Promise<void> {
    const _id = `${day}:${term}`;
    await this.locks.exclusive(`search_terms:${_id}`, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.model.collection.updateOne(
            { _id } as never,
            { $inc: { count: 1 }, $setOnInsert: { term, day } } as never,
            { upsert: true },
          );
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= 3) throw error;
        }
      }
    });
  }

  async since(fromDay: string): Promise<DailyTermCount[]> {
    const docs = await openCollection(this.model)
      .find({ day: { $gte: fromDay } } as never)
      .toArray();
    return docs.map((d) => ({ term: d.term as string, day: d.day as string, count: d.count as number }));
  }
}
