import { expect } from 'chai';
import { ServedModel } from '../../../application/discovery/served-model.js';
import { TestClock } from '../../support/kit.js';
import { aModel, FakeModels } from './fake-models.js';

const REFRESH_MS = 30_000;

function served(store: FakeModels) {
  const clock = new TestClock();
  return { clock, model: new ServedModel(store, clock, { refreshMs: REFRESH_MS }) };
}

describe('application: the served recommendation model', () => {
  it('loads lazily, then checks the version at most once per refresh delay and swaps in a newer one', async () => {
    const store = new FakeModels(aModel(1, {}));
    const { clock, model } = served(store);
    expect(store.calls).to.deep.equal({ latest: 0, latestVersion: 0 });
    expect((await model.current())?.version).to.equal(1);
    expect(store.calls.latest).to.equal(1);

    await store.save(aModel(2, {}));
    clock.advance(REFRESH_MS - 1);
    expect((await model.current())?.version).to.equal(1); // within the delay: no store call
    expect(store.calls).to.deep.equal({ latest: 1, latestVersion: 0 });

    clock.advance(1);
    expect((await model.current())?.version).to.equal(2); // the delay passed: newer version served
    expect(store.calls).to.deep.equal({ latest: 2, latestVersion: 1 });

    clock.advance(REFRESH_MS);
    expect((await model.current())?.version).to.equal(2); // same version: not loaded again
    expect(store.calls).to.deep.equal({ latest: 2, latestVersion: 2 });
  });

  it('before the first training serves null, and picks up the first model after the delay', async () => {
    const store = new FakeModels();
    const { clock, model } = served(store);
    expect(await model.current()).to.equal(null);
    await store.save(aModel(1, {}));
    expect(await model.current()).to.equal(null);
    clock.advance(REFRESH_MS);
    expect((await model.current())?.version).to.equal(1);
  });

  it('concurrent readers share one load', async () => {
    const store = new FakeModels(aModel(3, {}));
    let open!: () => void;
    store.gate = new Promise<void>((resolve) => (open = resolve));
    const { model } = served(store);
    const readers = Array.from({ length: 20 }, () => model.current());
    open();
    const answers = await Promise.all(readers);
    expect(store.calls.latest).to.equal(1);
    expect(new Set(answers).size).to.equal(1);
    expect(answers[0]?.version).to.equal(3);
  });

  it('a failing store keeps the served model, and is asked again after the delay', async () => {
    const store = new FakeModels(aModel(1, {}));
    const { clock, model } = served(store);
    await model.current();
    store.failing = true;
    await store.save(aModel(2, {}));
    clock.advance(REFRESH_MS);
    expect((await model.current())?.version).to.equal(1);
    store.failing = false;
    expect((await model.current())?.version).to.equal(1); // not before the next delay
    clock.advance(REFRESH_MS);
    expect((await model.current())?.version).to.equal(2);
  });

  it('a failed first load serves null, then loads after the delay', async () => {
    const store = new FakeModels(aModel(1, {}));
    store.failing = true;
    const { clock, model } = served(store);
    expect(await model.current()).to.equal(null);
    store.failing = false;
    clock.advance(REFRESH_MS);
    expect((await model.current())?.version).to.equal(1);
  });
});
