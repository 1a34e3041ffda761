import { expect } from 'chai';
import { RecordSearch } from '../../../application/search/record-search.js';
import { GetSearchHistory } from '../../../application/search/records.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import {
  MemorySearchHistoryStore,
  MemorySearchTermCounts,
} from '../../../adapters/persistence/memory/search-records.js';
import { TestClock } from '../../support/kit.js';

describe('RecordSearch', () => {
  const clock = new TestClock(new Date('2026-06-01T10:00:00Z'));
  const settings = { historyLimit: 5, popularDays: 7 };
  let counts: MemorySearchTermCounts;
  let history: MemorySearchHistoryStore;
  let warnings: string[];
  const logger: AppLogger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };

  beforeEach(() => {
    const db = new MemoryDatabase();
    counts = new MemorySearchTermCounts(db);
    history = new MemorySearchHistoryStore(db);
    warnings = [];
  });

  it('counts the normalised term for today and, for a signed-in user only, adds the query to their history', async () => {
    const record = new RecordSearch(counts, history, settings, clock, logger);
    await record.execute({ userId: 'u1', query: '  Red   Roses ' });
    await record.execute({ query: 'red roses', filters: { occasion: ['birthday'] } });
    expect(await counts.since('2026-06-01')).to.deep.equal([
      { term: 'red roses', day: '2026-06-01', count: 2 },
    ]);
    expect(await history.list('u1')).to.deep.equal([{ query: 'Red Roses', timestamp: clock.now() }]);
  });

  it('records nothing for a blank or one-character search', async () => {
    const record = new RecordSearch(counts, history, settings, clock, logger);
    await record.execute({ userId: 'u1', query: ' ' });
    await record.execute({ userId: 'u1', query: 'r' });
    expect(await counts.since('2000-01-01')).to.deep.equal([]);
    expect(await history.list('u1')).to.deep.equal([]);
  });

  it('a failing store is logged, never thrown, and does not stop the other record', async () => {
    counts.increment = async () => {
      throw new Error('down');
    };
    const record = new RecordSearch(counts, history, settings, clock, logger);
    await record.execute({ userId: 'u1', query: 'tulips' });
    expect(warnings).to.deep.equal(['search not recorded']);
    expect((await history.list('u1')).map((e) => e.query)).to.deep.equal(['tulips']);
  });

  it('the history read is cut to the current limit (a history kept under a higher SEARCH_HISTORY_LIMIT)', async () => {
    for (const q of ['roses', 'lilies', 'tulips'])
      await history.append('u1', { query: q, timestamp: clock.now() }, 20);
    const read = new GetSearchHistory(history, { historyLimit: 2, popularDays: 7 });
    expect((await read.execute({ userId: 'u1' })).unwrap().map((e) => e.query)).to.deep.equal([
      'tulips',
      'lilies',
    ]);
  });
});
