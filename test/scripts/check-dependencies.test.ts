import { expect } from 'chai';
import {
  breakingLine,
  heldBackNotes,
  isMajorBehind,
  judge,
  type OutdatedEntry,
} from '../../scripts/check-dependencies.js';

const README = [
  '# App',
  '### Dependencies held back',
  '| package | held at | why |',
  '| --- | --- | --- |',
  '| `fastify` | 5 | plugins not yet on 6 |',
  '| `empty-reason` | 1 |  |',
  '## Next section',
  '| `after-section` | 1 | not in the table |',
].join('\n');

// Canned `npm outdated --json --omit=dev` output.
const OUTDATED: Record<string, OutdatedEntry | OutdatedEntry[]> = {
  fastify: { current: '5.12.0', wanted: '5.12.0', latest: '6.0.1' },
  mongoose: { current: '9.12.1', wanted: '9.13.2', latest: '9.13.2' },
  stripe: { current: '23.1.0', wanted: '23.1.0', latest: '24.0.0' },
  'empty-reason': { current: '1.0.0', latest: '2.0.0' },
  'after-section': { current: '1.0.0', latest: '3.0.0' },
  'zero-minor': { current: '0.2.4', latest: '0.3.0' },
  'zero-patch': { current: '0.2.4', latest: '0.2.9' },
  'not-installed': { wanted: '3.1.0', latest: '4.0.0' },
  'two-places': [
    { current: '2.0.0', latest: '2.1.0' },
    { current: '1.0.0', latest: '2.1.0' },
  ],
  '@types/node': { current: '20.19.0', latest: '26.0.0' },
};

describe('scripts/check-dependencies: the dependency gate', () => {
  it('reads the breaking line of a version (0.x: the minor)', () => {
    expect(breakingLine('5.12.0')).to.equal('5');
    expect(breakingLine('0.3.1')).to.equal('0.3');
    expect(breakingLine('git+https://x')).to.equal(null);
    expect(isMajorBehind('9.12.1', '9.13.2')).to.equal(false);
    expect(isMajorBehind('9.12.1', '10.0.0')).to.equal(true);
    expect(isMajorBehind('0.2.4', '0.3.0')).to.equal(true);
    expect(isMajorBehind('0.9.0', '1.0.0')).to.equal(true);
    expect(isMajorBehind('2.0.0', '1.9.0')).to.equal(false);
  });

  it('takes only rows of the held-back table that name a package and say why', () => {
    expect([...heldBackNotes(README).keys()]).to.deep.equal(['fastify']);
    expect(heldBackNotes('# no table here').size).to.equal(0);
  });

  it('fails on every production dependency a major behind without a note, passes the explained ones', () => {
    const production = new Set(Object.keys(OUTDATED).filter((n) => n !== '@types/node'));
    const verdict = judge(OUTDATED, README, production);
    expect(verdict.heldBack.map((b) => b.name)).to.deep.equal(['fastify']);
    expect(verdict.unexplained.map((b) => b.name)).to.deep.equal([
      'after-section',
      'empty-reason',
      'not-installed',
      'stripe',
      'two-places',
      'zero-minor',
    ]);
  });

  it('passes when nothing is a major behind, and ignores what is not a production dependency', () => {
    const minorOnly = { mongoose: OUTDATED.mongoose!, '@types/node': OUTDATED['@types/node']! };
    expect(judge(minorOnly, README, new Set(['mongoose'])).unexplained).to.deep.equal([]);
    expect(judge({}, '').unexplained).to.deep.equal([]);
  });
});
