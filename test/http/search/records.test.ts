import { expect } from 'chai';
import { SEARCH_TERM_COUNTS, type SearchTermCounts } from '../../../application/search/records-ports.js';
import { SAVED_SEARCHES_PER_USER } from '../../../domain/search/records.js';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';
import { TestClock } from '../../support/kit.js';

const DAY = 24 * 60 * 60 * 1000;

describe('HTTP /api/search: saved searches, popular searches, search history', () => {
  let t: TestApp;
  const clock = new TestClock(Date.now());
  let shopper: Awaited<ReturnType<typeof registerUser>>;

  before(async () => {
    t = await buildTestApp({ SEARCH_HISTORY_LIMIT: '3' }, { clock });
  });
  after(async () => t.close());
  beforeEach(async () => {
    shopper = await registerUser(t);
  });

  const save = (body: unknown, token: string | null = shopper.token) =>
    t.request({ method: 'POST', url: '/api/search/save', ...(token !== null ? { token } : {}), body });
  const saved = async (token = shopper.token) => {
    const res = await t.request({ method: 'GET', url: '/api/search/saved', token });
    expect(res.statusCode).to.equal(200);
    return res.json().data.savedSearches as { id: string; name: string; query: string }[];
  };
  const history = async (token = shopper.token, prefix = '/api') => {
    const res = await t.request({ method: 'GET', url: `${prefix}/search/history`, token });
    expect(res.statusCode).to.equal(200);
    expect(res.json().success).to.equal(true);
    return (res.json().data.searchHistory as { query: string; timestamp: string }[]).map((e) => e.query);
  };
  const popular = async (query = '') => {
    const res = await t.request({ method: 'GET', url: `/api/search/popular${query}` });
    expect(res.statusCode, res.body).to.equal(200);
    return res.json().data.popular as { term: string; count: number }[];
  };
  const countOf = async (term: string, query = '') =>
    (await popular(query)).find((p) => p.term === term)?.count ?? 0;
  const list = (search: string, token?: string, prefix = '/api') =>
    t.request({
      method: 'GET',
      url: `${prefix}/products?search=${encodeURIComponent(search)}`,
      ...(token ? { token } : {}),
    });

  describe('saved searches', () => {
    it('every route but popular needs a token (401)', async () => {
      const id = '0123456789abcdef01234567';
      for (const [method, url] of [
        ['POST', '/api/search/save'],
        ['GET', '/api/search/saved'],
        ['DELETE', `/api/search/saved/${id}`],
        ['GET', '/api/search/history'],
        ['DELETE', '/api/search/history'],
      ] as const) {
        const res = await t.request({ method, url, ...(method === 'POST' ? { body: { name: 'x' } } : {}) });
        expect(res.statusCode, `${method} ${url}`).to.equal(401);
      }
    });

    it('saves (201 with id, name, query, filters, createdAt), lists newest first, also under /api/api', async () => {
      const filters = { occasion: ['birthday'], priceRange: { min: 500, max: 2000 } };
      const res = await save({ name: 'Birthday roses', query: 'roses', filters });
      expect(res.statusCode).to.equal(201);
      const s = res.json().data.savedSearch;
      expect(s).to.include({ name: 'Birthday roses', query: 'roses' });
      expect(s.filters).to.deep.equal(filters);
      expect(s.id).to.be.a('string');
      expect(new Date(s.createdAt).getTime()).to.equal(clock.now().getTime());
      clock.advance(1000);
      const api2 = await t.request({
        method: 'POST',
        url: '/api/api/search/save',
        token: shopper.token,
        body: { name: 'Lilies' },
      });
      expect(api2.statusCode).to.equal(201);
      expect(api2.json().data.savedSearch).to.deep.include({ query: '', filters: {} });
      expect((await saved()).map((x) => x.name)).to.deep.equal(['Lilies', 'Birthday roses']);
    });

    it('the same name again (any case) replaces it: 200, same id, one entry', async () => {
      const first = (await save({ name: 'Weekly', query: 'tulips' })).json().data.savedSearch;
      clock.advance(1000);
      const again = await save({ name: ' weekly', query: 'orchids' });
      expect(again.statusCode).to.equal(200);
      expect(again.json().data.savedSearch).to.include({ id: first.id, query: 'orchids' });
      expect((await saved()).map((x) => [x.id, x.query])).to.deep.equal([[first.id, 'orchids']]);
    });

    it('delete is own-only: another shopper gets 404 and the search stays; the owner deletes it, then 404', async () => {
      const id = (await save({ name: 'Mine' })).json().data.savedSearch.id;
      const other = await registerUser(t);
      const url = `/api/search/saved/${id}`;
      expect((await t.request({ method: 'DELETE', url, token: other.token })).statusCode).to.equal(404);
      expect(await saved(other.token)).to.deep.equal([]);
      expect((await saved()).map((x) => x.id)).to.deep.equal([id]);
      const res = await t.request({ method: 'DELETE', url, token: shopper.token });
      expect(res.statusCode).to.equal(200);
      expect(await saved()).to.deep.equal([]);
      const gone = await t.request({ method: 'DELETE', url, token: shopper.token });
      expect(gone.statusCode).to.equal(404);
      expect(gone.json().code).to.equal('SAVED_SEARCH_NOT_FOUND');
    });

    it('bad input answers 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{}, 'name'],
        [{ name: '' }, 'name'],
        [{ name: '   ' }, 'name'],
        [{ name: 'x'.repeat(61) }, 'name'],
        [{ name: 'ok', query: 'q'.repeat(201) }, 'query'],
        [{ name: 'ok', filters: ['birthday'] }, 'filters'],
        [{ name: 'ok', filters: 'birthday' }, 'filters'],
        [
          { name: 'ok', filters: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) },
          'filters',
        ],
        [{ name: 'ok', filters: { big: 'x'.repeat(2100) } }, 'filters'],
        [{ name: 'ok', filters: { a: { b: { c: { d: { e: 1 } } } } } }, 'filters'],
        [{ name: 'ok', extra: 1 }, 'extra'],
      ];
      for (const [body, field] of cases) {
        const res = await save(body);
        expect(res.statusCode, JSON.stringify(body)).to.equal(400);
        expect(res.body, JSON.stringify(body)).to.contain(field);
      }
      const badId = await t.request({
        method: 'DELETE',
        url: '/api/search/saved/nope',
        token: shopper.token,
      });
      expect(badId.statusCode).to.equal(400);
      expect(await saved()).to.deep.equal([]);
    });

    it(`holds at most ${SAVED_SEARCHES_PER_USER} per shopper, even when saved in parallel (409 TOO_MANY_SAVED_SEARCHES)`, async () => {
      const answers = await Promise.all(
        Array.from({ length: SAVED_SEARCHES_PER_USER + 10 }, (_, i) => save({ name: `search ${i}` })),
      );
      const codes = answers.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 201)).to.have.length(SAVED_SEARCHES_PER_USER);
      expect(codes.filter((c) => c === 409)).to.have.length(10);
      const refused = answers.find((r) => r.statusCode === 409)!.json();
      expect(refused.code).to.equal('TOO_MANY_SAVED_SEARCHES');
      expect(refused.limit).to.equal(SAVED_SEARCHES_PER_USER);
      expect(await saved()).to.have.length(SAVED_SEARCHES_PER_USER);
      // a replacement is not a new one: still allowed when full
      expect((await save({ name: 'search 0', query: 'new' })).statusCode).to.equal(200);
    });
  });

  describe('recorded searches: history and popular', () => {
    it("a signed-in shopper's product-list searches land in their history, newest first (/api/products?search=, /api/products/search?q=, /api/api too)", async () => {
      expect((await list('roses', shopper.token)).statusCode).to.equal(200);
      clock.advance(1000);
      const res = await t.request({
        method: 'GET',
        url: '/api/products/search?q=lilies',
        token: shopper.token,
      });
      expect(res.statusCode).to.equal(200);
      clock.advance(1000);
      expect((await list('tulips', shopper.token, '/api/api')).statusCode).to.equal(200);
      expect(await history()).to.deep.equal(['tulips', 'lilies', 'roses']);
      expect(await history(shopper.token, '/api/api')).to.deep.equal(['tulips', 'lilies', 'roses']);
      const entry = (
        await t.request({ method: 'GET', url: '/api/search/history', token: shopper.token })
      ).json().data.searchHistory[0];
      expect(entry.timestamp).to.equal(clock.now().toISOString());
    });

    it('the same query again moves to the top; capped at SEARCH_HISTORY_LIMIT (oldest dropped); DELETE clears', async () => {
      for (const q of ['roses', 'lilies', 'tulips', 'Roses', 'orchids']) {
        await list(q, shopper.token);
        clock.advance(1000);
      }
      expect(await history()).to.deep.equal(['orchids', 'Roses', 'tulips']);
      const cleared = await t.request({ method: 'DELETE', url: '/api/search/history', token: shopper.token });
      expect(cleared.statusCode).to.equal(200);
      expect(cleared.json().data.searchHistory).to.deep.equal([]);
      expect(await history()).to.deep.equal([]);
    });

    it("histories are personal: another shopper's and anonymous searches are not in it", async () => {
      const other = await registerUser(t);
      await list('peonies', other.token);
      await list('carnations');
      await list('gerberas', 'not-a-valid-token');
      expect(await history()).to.deep.equal([]);
      expect(await history(other.token)).to.deep.equal(['peonies']);
    });

    it('parallel searches of one shopper all land in the history; parallel counts of one term all count', async () => {
      const before = await countOf('hydrangeas');
      await Promise.all(['a1', 'b2', 'c3'].map((q) => list(`hist ${q}`, shopper.token)));
      expect((await history()).sort()).to.deep.equal(['hist a1', 'hist b2', 'hist c3']);
      await Promise.all(Array.from({ length: 10 }, () => list('hydrangeas')));
      expect(await countOf('hydrangeas')).to.equal(before + 10);
    });

    it('popular: normalised terms from every shopper, anonymous included; blanks and one-character searches ignored; repeated (cached) searches count', async () => {
      await list('  Red   ROSES ');
      await list('red roses', shopper.token);
      await list('red roses');
      await list('red roses');
      await list('x');
      await list('   ');
      await t.request({ method: 'GET', url: '/api/products/search?q=sunflowers' });
      const top = await popular('?limit=50');
      expect(top.find((p) => p.term === 'red roses')?.count).to.equal(4);
      expect(top.find((p) => p.term === 'sunflowers')?.count).to.equal(1);
      expect(top.map((p) => p.term)).to.not.include.members(['x', '', ' Red   ROSES ']);
      expect(JSON.stringify(top)).to.not.contain(shopper.user._id);
      const counts = top.map((p) => p.count);
      expect(counts).to.deep.equal([...counts].sort((a, b) => b - a));
      expect(await popular('?limit=1')).to.have.length(1);
    });

    it('popular counts over a window of days (default SEARCH_POPULAR_DAYS, 7)', async () => {
      await list('window daisies');
      await list('window daisies');
      clock.advance(7 * DAY);
      await list('window asters');
      expect(await countOf('window daisies')).to.equal(0);
      expect(await countOf('window asters')).to.equal(1);
      expect(await countOf('window daisies', '?days=8&limit=50')).to.equal(2);
      expect(await countOf('window daisies', '?days=7&limit=50')).to.equal(0);
      clock.advance(-7 * DAY);
    });

    it('popular rejects a bad limit or window with 400 naming it', async () => {
      for (const q of ['limit=0', 'limit=51', 'limit=abc', 'days=0', 'days=366', 'days=1.5', 'other=1']) {
        const res = await t.request({ method: 'GET', url: `/api/search/popular?${q}` });
        expect(res.statusCode, q).to.equal(400);
        expect(res.body, q).to.contain(q.split('=')[0]!);
      }
    });

    it('a failing store never fails the search (logged and skipped), and the rest is still recorded', async () => {
      const counts = t.container.get<SearchTermCounts>(SEARCH_TERM_COUNTS);
      const original = counts.increment.bind(counts);
      counts.increment = async () => {
        throw new Error('counter store down');
      };
      try {
        const res = await list('broken counter', shopper.token);
        expect(res.statusCode).to.equal(200);
        const compat = await t.request({ method: 'GET', url: '/api/products/search?q=broken+compat' });
        expect(compat.statusCode).to.equal(200);
      } finally {
        counts.increment = original;
      }
      expect(await history()).to.deep.equal(['broken counter']);
      expect(await countOf('broken counter', '?limit=50')).to.equal(0);
    });
  });
});
