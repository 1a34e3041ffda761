import { expect } from 'chai';
import type {
  SavedSearchStore,
  SearchHistoryStore,
  SearchTermCounts,
} from '../../../application/search/records-ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import {
  MemorySavedSearchStore,
  MemorySearchHistoryStore,
  MemorySearchTermCounts,
} from '../../../adapters/persistence/memory/search-records.js';
import {
  MongoSavedSearchStore,
  MongoSearchHistoryStore,
  MongoSearchTermCounts,
} from '../../../adapters/persistence/mongo/search-records.js';
import type { SavedSearch } from '../../../domain/search/records.js';
import { describeWith } from '../../support/services.js';
import { useMongo } from '../../support/mongo.js';

interface Stores {
  readonly saved: SavedSearchStore;
  readonly terms: SearchTermCounts;
  readonly history: SearchHistoryStore;
}

const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute));
const aSearch = (n: number, over: Partial<SavedSearch> = {}): SavedSearch => ({
  id: `s${n}`,
  userId: 'u1',
  name: `search ${n}`,
  query: `roses ${n}`,
  filters: { occasion: ['birthday'], 'priceRange.min': 5, $odd: { nested: [1, 'two'] } },
  createdAt: at(n),
  ...over,
});

function contract(make: () => Promise<Stores>): void {
  describe('SavedSearchStore', () => {
    it('keeps each user its own searches, newest first, filters as given (any key)', async () => {
      const { saved } = await make();
      expect((await saved.save(aSearch(1), 50)).outcome).to.equal('created');
      expect((await saved.save(aSearch(2), 50)).outcome).to.equal('created');
      await saved.save(aSearch(3, { userId: 'u2' }), 50);
      const list = await saved.list('u1');
      expect(list.map((s) => s.id)).to.deep.equal(['s2', 's1']);
      expect(list[1]).to.deep.equal(aSearch(1));
      expect((await saved.list('u2')).map((s) => s.id)).to.deep.equal(['s3']);
      expect(await saved.list('nobody')).to.deep.equal([]);
    });

    it('the same name (ignoring case) replaces the saved search and keeps its id', async () => {
      const { saved } = await make();
      await saved.save(aSearch(1, { name: 'Birthday' }), 50);
      await saved.save(aSearch(2), 50);
      const r = await saved.save(aSearch(3, { name: ' birthday ', query: 'lilies' }), 50);
      expect(r.outcome).to.equal('replaced');
      const list = await saved.list('u1');
      expect(list.map((s) => [s.id, s.query])).to.deep.equal([
        ['s1', 'lilies'],
        ['s2', 'roses 2'],
      ]);
    });

    it('refuses a new name at the cap (a replacement still passes); remove is own-only', async () => {
      const { saved } = await make();
      for (let i = 1; i <= 3; i++) await saved.save(aSearch(i), 3);
      expect((await saved.save(aSearch(4), 3)).outcome).to.equal('full');
      expect((await saved.save(aSearch(5, { name: 'search 1' }), 3)).outcome).to.equal('replaced');
      expect(await saved.remove('u2', 's2')).to.equal(false);
      expect(await saved.remove('u1', 'nope')).to.equal(false);
      expect(await saved.remove('u1', 's2')).to.equal(true);
      expect(await saved.remove('u1', 's2')).to.equal(false);
      expect((await saved.list('u1')).map((s) => s.id)).to.deep.equal(['s1', 's3']);
    });

    it('parallel saves of one user never pass the cap and none is lost below it', async () => {
      const { saved } = await make();
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => saved.save(aSearch(i + 1), 5)).map(
          async (p) => (await p).outcome,
        ),
      );
      expect(outcomes.filter((o) => o === 'created')).to.have.length(5);
      expect(outcomes.filter((o) => o === 'full')).to.have.length(3);
      expect(await saved.list('u1')).to.have.length(5);
    });
  });

  describe('SearchTermCounts', () => {
    it('counts per term per day and answers the days from a given day', async () => {
      const { terms } = await make();
      await terms.increment('roses', '2026-05-30');
      await terms.increment('roses', '2026-05-31');
      await terms.increment('roses', '2026-05-31');
      await terms.increment('red lilies', '2026-05-31');
      const rows = (await terms.since('2026-05-31'))
        .map((r) => ({ ...r }))
        .sort((a, b) => a.term.localeCompare(b.term));
      expect(rows).to.deep.equal([
        { term: 'red lilies', day: '2026-05-31', count: 1 },
        { term: 'roses', day: '2026-05-31', count: 2 },
      ]);
      expect(await terms.since('2026-06-01')).to.deep.equal([]);
    });

    it('loses no parallel increment, the first of a day included', async () => {
      const { terms } = await make();
      await Promise.all(Array.from({ length: 12 }, () => terms.increment('tulips', '2026-06-01')));
      expect(await terms.since('2026-06-01')).to.deep.equal([
        { term: 'tulips', day: '2026-06-01', count: 12 },
      ]);
    });
  });

  describe('SearchHistoryStore', () => {
    it('newest first, the same query moves to the top, capped (oldest dropped), per user, clearable', async () => {
      const { history } = await make();
      await history.append('u1', { query: 'roses', timestamp: at(1) }, 3);
      await history.append('u1', { query: 'lilies', timestamp: at(2) }, 3);
      await history.append('u1', { query: 'tulips', timestamp: at(3) }, 3);
      await history.append('u1', { query: 'Roses ', timestamp: at(4) }, 3);
      await history.append('u1', { query: 'orchids', timestamp: at(5) }, 3);
      await history.append('u2', { query: 'daisies', timestamp: at(6) }, 3);
      expect(await history.list('u1')).to.deep.equal([
        { query: 'orchids', timestamp: at(5) },
        { query: 'Roses ', timestamp: at(4) },
        { query: 'tulips', timestamp: at(3) },
      ]);
      await history.clear('u1');
      expect(await history.list('u1')).to.deep.equal([]);
      expect(await history.list('u2')).to.have.length(1);
      await history.clear('u1');
    });

    it('parallel appends of one user all land and the cap holds', async () => {
      const { history } = await make();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => history.append('u1', { query: `q${i}`, timestamp: at(i) }, 20)),
      );
      expect((await history.list('u1')).map((e) => e.query).sort()).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `q${i}`).sort(),
      );
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => history.append('u3', { query: `q${i}`, timestamp: at(i) }, 4)),
      );
      expect(await history.list('u3')).to.have.length(4);
    });
  });
}

describe('contract: search records (memory)', () => {
  contract(async () => {
    const db = new MemoryDatabase();
    return {
      saved: new MemorySavedSearchStore(db),
      terms: new MemorySearchTermCounts(db),
      history: new MemorySearchHistoryStore(db),
    };
  });
});

describeWith(['mongo'], 'contract: search records (mongo)', () => {
  const mongo = useMongo('search_records_contract');
  contract(async () => {
    const c = mongo.connection();
    const stores = {
      saved: new MongoSavedSearchStore(c),
      terms: new MongoSearchTermCounts(c),
      history: new MongoSearchHistoryStore(c),
    };
    await mongo.reset();
    return stores;
  });
});
