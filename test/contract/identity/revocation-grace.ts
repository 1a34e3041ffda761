import { expect } from 'chai';
import type { TokenRevocationStore } from '../../../application/identity/ports.js';

/**
 * The logout grace every TokenRevocationStore honours (memory, MongoDB, Redis): during it a safe
 * read passes and a write does not; revoking again shortens or ends it, never extends it.
 * `t0` is the base time (the Redis store keeps its keys for real time, so it is "now" there).
 */
export function revocationGraceContract(make: () => Promise<TokenRevocationStore>, t0: () => number): void {
  let store: TokenRevocationStore;
  let base: number;
  const at = (ms: number) => new Date(base + ms);
  beforeEach(async () => {
    store = await make();
    base = t0();
  });

  it('during the grace safe reads pass and writes are refused; after it both are refused', async () => {
    await store.revoke('grace-1', at(60_000), at(5000));
    expect(await store.isRevoked('grace-1', at(0), true)).to.equal(false);
    expect(await store.isRevoked('grace-1', at(4999), true)).to.equal(false);
    expect(await store.isRevoked('grace-1', at(0), false)).to.equal(true);
    expect(await store.isRevoked('grace-1', at(0))).to.equal(true);
    expect(await store.isRevoked('grace-1', at(5000), true)).to.equal(true);
    expect(await store.isRevoked('grace-1', at(60_000), true)).to.equal(false); // expired anyway
  });

  it('a revocation without grace refuses safe reads at once', async () => {
    await store.revoke('grace-2', at(60_000));
    expect(await store.isRevoked('grace-2', at(0), true)).to.equal(true);
  });

  it('revoking again never extends the grace (a stolen token cannot keep reading by logging out again)', async () => {
    await store.revoke('grace-3', at(60_000), at(5000));
    await store.revoke('grace-3', at(60_000), at(50_000));
    expect(await store.isRevoked('grace-3', at(4000), true)).to.equal(false);
    expect(await store.isRevoked('grace-3', at(6000), true)).to.equal(true);
  });

  it('revoking again can shorten or end the grace, and a token revoked without grace never gets one', async () => {
    await store.revoke('grace-4', at(60_000), at(5000));
    await store.revoke('grace-4', at(60_000), at(2000));
    expect(await store.isRevoked('grace-4', at(1000), true)).to.equal(false);
    expect(await store.isRevoked('grace-4', at(3000), true)).to.equal(true);
    await store.revoke('grace-4', at(60_000));
    expect(await store.isRevoked('grace-4', at(1000), true)).to.equal(true);

    await store.revoke('grace-5', at(60_000));
    await store.revoke('grace-5', at(60_000), at(5000));
    expect(await store.isRevoked('grace-5', at(0), true)).to.equal(true);
  });
}
