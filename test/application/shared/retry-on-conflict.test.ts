import { expect } from 'chai';
import { retryOnConflict, UNCHANGED } from '../../../application/shared/retry-on-conflict.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';

interface Doc {
  readonly value: number;
  readonly version: number;
}

/** A versioned store whose saves clash `conflicts` times (someone else saves in between). */
function store(opts: { conflicts?: number; saveError?: DomainError; missing?: boolean } = {}) {
  let doc: Doc = { value: 1, version: 1 };
  let conflictsLeft = opts.conflicts ?? 0;
  const calls = { loads: 0, saves: 0 };
  return {
    calls,
    load: async (): Promise<Doc | null> => {
      calls.loads += 1;
      return opts.missing ? null : doc;
    },
    save: async (next: Doc): Promise<Result<Doc, DomainError>> => {
      calls.saves += 1;
      if (opts.saveError) return Err(opts.saveError);
      if (conflictsLeft > 0) {
        conflictsLeft -= 1;
        // A concurrent writer won: the stored document moves on.
        doc = { value: doc.value + 100, version: doc.version + 1 };
        return Err(domainError('CONFLICT', 'Version clash'));
      }
      if (next.version !== doc.version) return Err(domainError('CONFLICT', 'Version clash'));
      doc = { value: next.value, version: doc.version + 1 };
      return Ok(doc);
    },
  };
}

const notFound = () => domainError('NOT_FOUND', 'Doc not found');

describe('application/shared: retryOnConflict', () => {
  it('saves on the first try when nobody else writes', async () => {
    const s = store();
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: (d) => Ok({ ...d, value: d.value + 1 }),
      save: s.save,
      attempts: 5,
    });
    expect(r.unwrap()).to.deep.include({ changed: true, saved: { value: 2, version: 2 } });
    expect(s.calls).to.deep.include({ loads: 1, saves: 1 });
  });

  it('on CONFLICT loads again and re-applies the change to the fresh value, then succeeds', async () => {
    const s = store({ conflicts: 2 });
    const seen: number[] = [];
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: (d) => {
        seen.push(d.value);
        return Ok({ ...d, value: d.value + 1 });
      },
      save: s.save,
      attempts: 5,
    });
    expect(r.unwrap()).to.deep.include({ changed: true, saved: { value: 202, version: 4 } });
    expect(s.calls).to.deep.include({ loads: 3, saves: 3 });
    // Each attempt worked on what the concurrent writer left, never on a stale copy.
    expect(seen).to.deep.equal([1, 101, 201]);
  });

  it('gives up after the given number of saves with the given error', async () => {
    const s = store({ conflicts: 100 });
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: (d) => Ok({ ...d, value: 0 }),
      save: s.save,
      attempts: 4,
      exhausted: () => domainError('CONFLICT', 'The doc kept changing; try again'),
    });
    expect(r.isErr() && r.error).to.deep.equal({
      code: 'CONFLICT',
      message: 'The doc kept changing; try again',
    });
    expect(s.calls).to.deep.include({ loads: 4, saves: 4 });
  });

  it('without an exhausted error, answers the last CONFLICT as it came', async () => {
    const s = store({ conflicts: 100 });
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: (d) => Ok(d),
      save: s.save,
      attempts: 2,
    });
    expect(r.isErr() && r.error).to.deep.equal({ code: 'CONFLICT', message: 'Version clash' });
    expect(s.calls.saves).to.equal(2);
  });

  it('passes any other save error through at once, without retrying', async () => {
    const s = store({ saveError: domainError('EMAIL_TAKEN', 'Email taken') });
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: (d) => Ok(d),
      save: s.save,
      attempts: 5,
    });
    expect(r.isErr() && r.error.code).to.equal('EMAIL_TAKEN');
    expect(s.calls).to.deep.include({ loads: 1, saves: 1 });
  });

  it("passes the change's error through at once, saving nothing", async () => {
    const s = store();
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: async () => Err(domainError('INVALID_PRICE', 'Bad price')),
      save: s.save,
      attempts: 5,
    });
    expect(r.isErr() && r.error.code).to.equal('INVALID_PRICE');
    expect(s.calls.saves).to.equal(0);
  });

  it('answers notFound when load finds nothing (also on a retry)', async () => {
    const s = store({ missing: true });
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: (d) => Ok(d),
      save: s.save,
      attempts: 5,
    });
    expect(r.isErr() && r.error).to.deep.equal({ code: 'NOT_FOUND', message: 'Doc not found' });
    expect(s.calls.saves).to.equal(0);

    // Deleted by someone else between a clashing save and the re-load.
    let loads = 0;
    const gone = await retryOnConflict({
      load: async () => (++loads === 1 ? { value: 1, version: 1 } : null),
      notFound,
      change: (d: Doc) => Ok(d),
      save: async () => Err(domainError('CONFLICT', 'Version clash')),
      attempts: 5,
    });
    expect(gone.isErr() && gone.error.code).to.equal('NOT_FOUND');
    expect(loads).to.equal(2);
  });

  it('UNCHANGED writes nothing and answers the loaded value', async () => {
    const s = store();
    const r = await retryOnConflict({
      load: s.load,
      notFound,
      change: () => Ok(UNCHANGED),
      save: s.save,
      attempts: 5,
    });
    expect(r.unwrap()).to.deep.equal({ changed: false, current: { value: 1, version: 1 } });
    expect(s.calls.saves).to.equal(0);
  });

  it('tells load which attempt it serves, so a value in hand can be the first one tried', async () => {
    const asked: number[] = [];
    let saves = 0;
    const r = await retryOnConflict({
      load: async (attempt: number) => {
        asked.push(attempt);
        return { value: attempt, version: 1 };
      },
      notFound,
      change: (d: Doc) => Ok(d),
      save: async (d: Doc) => (++saves < 3 ? Err(domainError('CONFLICT', 'Version clash')) : Ok(d)),
      attempts: 5,
    });
    expect(asked).to.deep.equal([1, 2, 3]);
    expect(r.unwrap()).to.deep.include({ changed: true, saved: { value: 3, version: 1 } });
  });
});
