import { expect } from 'chai';
import { createProduct } from '../../domain/catalog/product-rules.js';
import {
  JUDGED_QUERIES,
  corpusDocuments,
  reciprocalRank,
  syntheticProductSeeds,
} from '../../bench/search-corpus.js';
import {
  advancedPath,
  autocompletePaths,
  autocompleteVerdict,
  searchTable,
  summarizeServerTimes,
  type ScenarioResult,
} from '../../bench/search-report.js';

const row = (name: string, over: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  reqPerSec: 1000,
  p50: 1,
  p99: 3,
  non2xx: 0,
  bytes: 120,
  server: { count: 100, p50: 0.4, p99: 2.5, max: 4 },
  ...over,
});

describe('bench/search report and corpus (the parts behind the README numbers)', () => {
  it('autocomplete paths encode each query', () => {
    expect(autocompletePaths(['rsoe', 'pink t'])).to.deep.equal([
      '/api/search/autocomplete?q=rsoe',
      '/api/search/autocomplete?q=pink%20t',
    ]);
  });

  it('advanced paths send filters bracketed, or as one JSON parameter, always with facets', () => {
    const bracketed = advancedPath({
      q: 'birthday roses',
      occasions: ['birthday', 'anniversary'],
      priceRange: { min: 500, max: 3000 },
      sort: 'relevance',
    });
    expect(bracketed).to.equal(
      '/api/products/search/advanced?q=birthday%20roses&filters[occasion][]=birthday&filters[occasion][]=anniversary' +
        '&filters[priceRange][min]=500&filters[priceRange][max]=3000&sort=relevance&facets=true',
    );
    const json = new URL(`http://x${advancedPath({ q: 'lilies', inStock: true, ratingMin: 4, json: true })}`);
    expect(JSON.parse(json.searchParams.get('filters')!)).to.deep.equal({
      availability: 'in-stock',
      rating: { min: 4 },
    });
    expect(json.searchParams.get('facets')).to.equal('true');
  });

  it('server times are summarized nearest-rank', () => {
    const s = summarizeServerTimes(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(s).to.deep.equal({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(summarizeServerTimes([]).count).to.equal(0);
  });

  it('the table gives ratios against hello-world and against the same-bytes baseline', () => {
    const table = searchTable(
      [
        row('hello', { reqPerSec: 4000 }),
        row('bytes', { reqPerSec: 2000 }),
        row('autocomplete', { reqPerSec: 1000, sameBytesAs: 'bytes' }),
        row('advanced', { skipped: '404 (route missing?)' }),
      ],
      'hello',
    );
    const lines = table.split('\n');
    expect(lines[2]).to.match(/^\| hello \| 4000 \| 1\.00 \| - \|/);
    expect(lines[4]).to.match(
      /^\| autocomplete \| 1000 \| 0\.25 \| 0\.50 \| 1 \| 3 \| 0\.400 \| 2\.50 \| 120 \| 0 \|$/,
    );
    expect(lines[5]).to.contain('not run: 404');
  });

  it('the autocomplete verdict reads server p99 against 10 ms, and errors spoil it', () => {
    expect(autocompleteVerdict(row('a'), 10_000)).to.contain('holds (under 10 ms)');
    expect(
      autocompleteVerdict(row('a', { server: { count: 5, p50: 3, p99: 12, max: 20 } }), 10_000),
    ).to.contain('DOES NOT hold');
    expect(autocompleteVerdict(row('a', { non2xx: 3 }), 10_000)).to.contain('DOES NOT hold');
    expect(autocompleteVerdict(undefined, 10_000)).to.equal('autocomplete: not measured');
  });

  it('the corpus is the demo catalog then valid synthetic products, the same on every run', () => {
    const seeds = syntheticProductSeeds(300);
    expect(seeds).to.have.length(300);
    expect(seeds[0]!.input.name).to.equal('Crimson Devotion');
    expect(syntheticProductSeeds(300).map((s) => s.input.name)).to.deep.equal(seeds.map((s) => s.input.name));
    expect(new Set(seeds.map((s) => s.input.name!.toLowerCase())).size).to.equal(300);
    let n = 0;
    for (const seed of seeds) {
      const product = createProduct(
        { ...seed.input, categoryId: 'c1' },
        { id: `p${n}`, now: new Date(0), newId: () => `o${(n += 1)}` },
      );
      expect(product.isOk(), `${seed.input.name}: ${product.isErr() ? product.error.message : ''}`).to.equal(
        true,
      );
    }
  });

  it('every judged query has relevant documents in the corpus, and MRR counts the first hit', () => {
    const docs = corpusDocuments(syntheticProductSeeds(2000));
    for (const judged of JUDGED_QUERIES) expect(docs.some(judged.relevant), judged.q).to.equal(true);
    expect(reciprocalRank(['a', 'b', 'c'], (id) => id === 'c')).to.be.closeTo(1 / 3, 1e-9);
    expect(reciprocalRank(['a', 'b'], () => false)).to.equal(0);
    expect(reciprocalRank(['a', 'b', 'c'], (id) => id === 'c', 2)).to.equal(0);
  });
});
