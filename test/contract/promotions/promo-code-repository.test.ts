import { expect } from 'chai';
import type { PromoCodeRepository } from '../../../application/promotions/ports.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPromoCodeRepository } from '../../../adapters/persistence/memory/promotions-repository.js';
import { MongoPromoCodeRepository } from '../../../adapters/persistence/mongo/promotions-repository.js';
import { createPromo, type PromoCode, type PromoDraft } from '../../../domain/promotions/promo-code.js';
import { describeWith } from '../../support/services.js';
import { FIXED_NOW, testId } from '../../support/kit.js';
import { useMongo } from '../../support/mongo.js';

function promo(draft: Partial<PromoDraft> = {}): PromoCode {
  return createPromo(
    testId(),
    { code: 'save10', type: 'percentage', value: 1000, ...draft },
    'admin',
    FIXED_NOW,
  ).unwrap();
}

function contract(make: () => Promise<PromoCodeRepository>): void {
  it('creates, finds case-insensitively, refuses a duplicate code, lists newest first', async () => {
    const repo = await make();
    const a = (await repo.create(promo({ code: 'first' }))).unwrap();
    expect(a.version).to.equal(1);
    expect((await repo.findByCode('FiRsT'))?.id).to.equal(a.id);
    expect((await repo.findById(a.id))?.code).to.equal('FIRST');
    expect((await repo.create(promo({ code: 'FIRST' }))).unwrapErr().code).to.equal('PROMO_CODE_TAKEN');
    const later = { ...promo({ code: 'second' }), createdAt: new Date(FIXED_NOW.getTime() + 1000) };
    await repo.create(later);
    expect((await repo.list()).map((p) => p.code)).to.deep.equal(['SECOND', 'FIRST']);
    expect(await repo.findByCode('nope')).to.equal(null);
  });

  it('update is optimistic, keeps usedCount and drops cleared optional fields', async () => {
    const repo = await make();
    const a = (await repo.create(promo({ code: 'upd', maxDiscount: 500, usageLimit: 5 }))).unwrap();
    await repo.redeem('upd', 'u1', 'o1', FIXED_NOW);
    const { maxDiscount: _m, ...rest } = a;
    const saved = (await repo.update({ ...rest, description: 'new', usedCount: 0 })).unwrap();
    expect(saved.version).to.equal(2);
    const stored = (await repo.findById(a.id))!;
    expect(stored.usedCount).to.equal(1);
    expect(stored.description).to.equal('new');
    expect(stored.maxDiscount).to.equal(undefined);
    expect((await repo.update(a)).unwrapErr().code).to.equal('CONFLICT');
  });

  it('redeem is bounded by usageLimit and perUserLimit, idempotent per order; release undoes once', async () => {
    const repo = await make();
    await repo.create(promo({ code: 'lim', usageLimit: 2, perUserLimit: 1 }));
    expect((await repo.redeem('lim', 'u1', 'o1', FIXED_NOW)).unwrap().usedCount).to.equal(1);
    expect((await repo.redeem('LIM', 'u1', 'o1', FIXED_NOW)).unwrap().usedCount).to.equal(1);
    expect((await repo.redeem('lim', 'u1', 'o2', FIXED_NOW)).unwrapErr().code).to.equal('PROMO_ALREADY_USED');
    expect((await repo.redeem('lim', 'u2', 'o3', FIXED_NOW)).unwrap().usedCount).to.equal(2);
    expect((await repo.redeem('lim', 'u3', 'o4', FIXED_NOW)).unwrapErr().code).to.equal('PROMO_EXHAUSTED');
    expect(await repo.userRedemptions('lim', 'u1')).to.equal(1);
    expect(await repo.redeemedFor('o3')).to.deep.equal(['LIM']);
    expect(await repo.release('lim', 'o3')).to.equal(true);
    expect(await repo.release('lim', 'o3')).to.equal(false);
    expect((await repo.findByCode('lim'))!.usedCount).to.equal(1);
    expect(await repo.redeemedFor('o3')).to.deep.equal([]);
    expect((await repo.redeem('lim', 'u3', 'o4', FIXED_NOW)).unwrap().usedCount).to.equal(2);
    expect((await repo.redeem('zzz', 'u3', 'o4', FIXED_NOW)).unwrapErr().code).to.equal('PROMO_NOT_FOUND');
  });

  it('concurrent redemptions never exceed the usage limit', async () => {
    const repo = await make();
    await repo.create(promo({ code: 'race', usageLimit: 3 }));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => repo.redeem('race', `u${i}`, `o${i}`, FIXED_NOW)),
    );
    expect(results.filter((r) => r.isOk())).to.have.length(3);
    expect(results.filter((r) => r.isErr() && r.error.code === 'PROMO_EXHAUSTED')).to.have.length(9);
    expect((await repo.findByCode('race'))!.usedCount).to.equal(3);
  });
}

describe('contract/promotions PromoCodeRepository', () => {
  describe('memory', () => {
    contract(async () => new MemoryPromoCodeRepository(new MemoryDatabase()));
  });

  describeWith(['mongo'], 'mongo', () => {
    const mongo = useMongo('promotions');
    contract(async () => {
      const repo = new MongoPromoCodeRepository(mongo.connection());
      await mongo.reset();
      return repo;
    });
  });
});
