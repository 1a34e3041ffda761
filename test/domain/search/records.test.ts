import { expect } from 'chai';
import {
  normaliseTerm,
  popularTerms,
  SEARCH_TERM_MAX,
  windowStart,
  withHistoryEntry,
  withSavedSearch,
  type SavedSearch,
} from '../../../domain/search/records.js';

const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute));

describe('domain/search/records', () => {
  it('normalises a term: trimmed, lower-case, inner spaces collapsed; blank and one-character ones are null', () => {
    expect(normaliseTerm('  Red \t  ROSES\n')).to.equal('red roses');
    expect(normaliseTerm('ok')).to.equal('ok');
    for (const q of ['', '   ', 'a', ' B ']) expect(normaliseTerm(q), JSON.stringify(q)).to.equal(null);
    expect(normaliseTerm('x'.repeat(500))).to.have.length(SEARCH_TERM_MAX);
  });

  it('history: the same query (normalised) moves to the top; beyond the limit the oldest go', () => {
    let h = withHistoryEntry([], { query: 'roses', timestamp: at(1) }, 3);
    h = withHistoryEntry(h, { query: 'lilies', timestamp: at(2) }, 3);
    h = withHistoryEntry(h, { query: 'tulips', timestamp: at(3) }, 3);
    h = withHistoryEntry(h, { query: 'ROSES', timestamp: at(4) }, 3);
    expect(h.map((e) => e.query)).to.deep.equal(['ROSES', 'tulips', 'lilies']);
    h = withHistoryEntry(h, { query: 'orchids', timestamp: at(5) }, 3);
    expect(h.map((e) => e.query)).to.deep.equal(['orchids', 'ROSES', 'tulips']);
  });

  it('saved searches: a new name below the cap is added, at the cap refused; the same name replaces keeping its id', () => {
    const s = (n: number, name = `s${n}`): SavedSearch => ({
      id: `id${n}`,
      userId: 'u',
      name,
      query: '',
      filters: {},
      createdAt: at(n),
    });
    const one = withSavedSearch([], s(1), 2);
    expect(one.outcome).to.equal('created');
    const two = withSavedSearch(one.outcome === 'full' ? [] : one.list, s(2), 2);
    const list = two.outcome === 'full' ? [] : two.list;
    expect(withSavedSearch(list, s(3), 2).outcome).to.equal('full');
    const replaced = withSavedSearch(list, s(4, 'S1'), 2);
    expect(replaced.outcome).to.equal('replaced');
    if (replaced.outcome === 'full') throw new Error('unreachable');
    expect(replaced.list.map((x) => [x.id, x.name])).to.deep.equal([
      ['id1', 'S1'],
      ['id2', 's2'],
    ]);
  });

  it('popular: summed per term over the rows, highest first, ties by term, limited', () => {
    const rows = [
      { term: 'roses', day: '2026-06-01', count: 2 },
      { term: 'lilies', day: '2026-06-01', count: 3 },
      { term: 'roses', day: '2026-06-02', count: 2 },
      { term: 'asters', day: '2026-06-02', count: 3 },
    ];
    expect(popularTerms(rows, 10)).to.deep.equal([
      { term: 'roses', count: 4 },
      { term: 'asters', count: 3 },
      { term: 'lilies', count: 3 },
    ]);
    expect(popularTerms(rows, 1)).to.deep.equal([{ term: 'roses', count: 4 }]);
  });

  it('a window of N days starts N-1 days before today (today included)', () => {
    expect(windowStart(new Date('2026-06-08T23:59:00Z'), 7)).to.equal('2026-06-02');
    expect(windowStart(new Date('2026-06-08T00:00:00Z'), 1)).to.equal('2026-06-08');
  });
});
