import { expect } from 'chai';
import { MiniSearchIndex } from '../../../adapters/search/minisearch-index.js';
import type { SearchDocument } from '../../../domain/search/document.js';
import { demoSearchDocuments, judge } from '../../support/search-judgements.js';

/**
 * Relevance of the in-process index over the demo catalog, judged: each query of the judged set
 * (test/support/search-judgements.ts) meets its judgement, and the mean reciprocal rank stays at
 * or above what it measured when the ranking was tuned, so a change that hurts ranking fails.
 */
describe('search relevance (judged queries over the demo catalog)', () => {
  /** Measured: 1.000 (every query's first relevant product ranked first) with the boosts in use. */
  const MRR_FLOOR = 0.95;
  let documents: SearchDocument[];
  let index: MiniSearchIndex;

  before(async () => {
    documents = await demoSearchDocuments();
    index = new MiniSearchIndex();
    await index.replaceAll(documents);
  });

  it('ranks a relevant product in the top 3 for every judged query, MRR above the floor', async () => {
    const result = await judge(documents, async (q) =>
      (await index.match(q, { limit: 10 })).map((m) => m.id),
    );
    console.log(
      `      search relevance: MRR ${result.mrr.toFixed(3)} over ${result.queries.length} judged queries`,
    );
    for (const q of result.queries) {
      expect(
        q.passed,
        `"${q.query}": first relevant at ${q.firstRelevant}, top 3 ${q.top3.join(' | ')}`,
      ).to.equal(true);
    }
    expect(result.mrr).to.be.at.least(MRR_FLOOR);
  });
});
