import { expect } from 'chai';
import sinon from 'sinon';
import bcrypt from 'bcryptjs';
import { BcryptPasswordHasher } from '../../../adapters/security/bcrypt-password-hasher.js';

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
});
