import { expect } from 'chai';
import sinon from 'sinon';
import bcrypt from 'bcryptjs';
import { BcryptPasswordHasher } from '../../../adapters/security/bcrypt-password-hasher.js';
import { PasswordHasherBusy } from '../../../application/identity/ports.js';

describe('BcryptPasswordHasher (worker threads)', () => {
  afterEach(() => sinon.restore());

  it('hashes and compares on worker threads, never on the main thread', async () => {
    const mainHash = sinon.spy(bcrypt, 'hash');
    const mainCompare = sinon.spy(bcrypt, 'compare');
    const hasher = new BcryptPasswordHasher(4, 2);
    try {
      const hash = await hasher.hash('correct horse');
      expect(hash).to.match(/^\$2[aby]\$04\$/);
      expect(await hasher.compare('correct horse', hash)).to.equal(true);
      expect(await hasher.compare('wrong horse', hash)).to.equal(false);
      expect(mainHash.called || mainCompare.called).to.equal(false);
    } finally {
      await hasher.close();
    }
  });

  it('answers many concurrent jobs each with its own result', async () => {
    const hasher = new BcryptPasswordHasher(4, 2);
    try {
      const passwords = Array.from({ length: 8 }, (_, i) => `password-${i}`);
      const hashes = await Promise.all(passwords.map((p) => hasher.hash(p)));
      const checks = await Promise.all(passwords.map((p, i) => hasher.compare(p, hashes[(i + 1) % 8]!)));
      expect(checks).to.deep.equal(new Array(8).fill(false));
      const own = await Promise.all(passwords.map((p, i) => hasher.compare(p, hashes[i]!)));
      expect(own).to.deep.equal(new Array(8).fill(true));
    } finally {
      await hasher.close();
    }
  });

  it('treats a malformed hash as a mismatch and keeps working after close', async () => {
    const hasher = new BcryptPasswordHasher(4, 1);
    try {
      expect(await hasher.compare('x', 'not-a-bcrypt-hash')).to.equal(false);
      await hasher.close();
      const hash = await hasher.hash('after close');
      expect(await hasher.compare('after close', hash)).to.equal(true);
    } finally {
      await hasher.close();
    }
  });

  it('with 0 workers hashes on the main thread', async () => {
    const mainHash = sinon.spy(bcrypt, 'hash');
    const hasher = new BcryptPasswordHasher(4, 0);
    const hash = await hasher.hash('inline');
    expect(mainHash.calledOnce).to.equal(true);
    expect(await hasher.compare('inline', hash)).to.equal(true);
  });

  it('bounds its queue: beyond one running job per worker plus maxQueued, jobs are refused at once', async () => {
    const hasher = new BcryptPasswordHasher(4, 1, 2);
    try {
      const hash = await hasher.hash('bounded');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () => hasher.compare('bounded', hash)),
      );
      const accepted = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(accepted).to.have.length(3); // 1 running + 2 waiting
      expect(accepted.every((o) => o.value === true)).to.equal(true);
      expect(refused).to.have.length(7);
      for (const o of refused) expect(o.reason).to.be.instanceOf(PasswordHasherBusy);
      await Promise.allSettled(Array.from({ length: 3 }, () => hasher.hash('x')));
      // the queue drained: work is accepted again
      expect(hasher.pendingJobs).to.equal(0);
      expect(await hasher.compare('bounded', hash)).to.equal(true);
    } finally {
      await hasher.close();
    }
  });

  it('with 0 workers the bound holds too (one running + maxQueued)', async () => {
    const hasher = new BcryptPasswordHasher(4, 0, 1);
    const outcomes = await Promise.allSettled([hasher.hash('a'), hasher.hash('b'), hasher.hash('c')]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'fulfilled', 'rejected']);
  });
});

describe('BcryptPasswordHasher: idle workers end (issue 14, idle memory)', () => {
  it('a worker without a job for idleMs ends, and the next job starts a fresh one', async function () {
    this.timeout(20_000);
    const hasher = new BcryptPasswordHasher(4, 2, 16, 100);
    try {
      const hash = await hasher.hash('idle then busy');
      expect(hasher.liveWorkers).to.equal(1);
      // Polled (no timing asserted): the thread ends once idle.
      while (hasher.liveWorkers > 0) await new Promise((r) => setTimeout(r, 20));
      expect(await hasher.compare('idle then busy', hash)).to.equal(true);
      expect(hasher.liveWorkers).to.equal(1);
    } finally {
      await hasher.close();
    }
  });

  it('a busy worker stays: jobs in a row keep one thread, and every answer is right', async function () {
    this.timeout(20_000);
    const hasher = new BcryptPasswordHasher(4, 1, 16, 100);
    try {
      const hash = await hasher.hash('steady');
      const answers: boolean[] = [];
      for (let i = 0; i < 20; i += 1) {
        answers.push(await hasher.compare(i % 2 ? 'steady' : 'other', hash));
        expect(hasher.liveWorkers).to.equal(1);
      }
      expect(answers).to.deep.equal(Array.from({ length: 20 }, (_, i) => i % 2 === 1));
      // Parallel jobs around the idle deadline: none is sent to an ending thread (all answered right).
      for (let round = 0; round < 5; round += 1) {
        await new Promise((r) => setTimeout(r, 90 + round * 5));
        const parallel = await Promise.all(Array.from({ length: 4 }, () => hasher.compare('steady', hash)));
        expect(parallel).to.deep.equal([true, true, true, true]);
      }
    } finally {
      await hasher.close();
    }
  });
});
