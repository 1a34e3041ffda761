import { expect } from 'chai';
import type { Container } from 'inversify';
import { cli, cliContainer } from '../support/cli.js';
import { PROMO_CODE_REPOSITORY, type PromoCodeRepository } from '../../application/promotions/ports.js';

describe('CLI promo:create', () => {
  let container: Container;
  beforeEach(async () => {
    container = await cliContainer();
  });

  it('creates a code through the use case, with its options in minor units', async () => {
    const r = await cli(
      container,
      'promo:create',
      'summer25',
      'percentage',
      '25',
      '--min',
      '40',
      '--max-discount',
      '12.5',
      '--limit',
      '3',
      '--until',
      '2030-01-01T00:00:00Z',
    );
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('Promo SUMMER25');
    const promo = await container.get<PromoCodeRepository>(PROMO_CODE_REPOSITORY).findByCode('summer25');
    expect(promo).to.include({
      type: 'percentage',
      value: 2500,
      minOrderAmount: 4000,
      maxDiscount: 1250,
      usageLimit: 3,
      createdBy: 'cli',
    });
    expect(promo!.validUntil!.toISOString()).to.equal('2030-01-01T00:00:00.000Z');
  });

  it('a duplicate code exits 1 with its code; bad arguments exit 2', async () => {
    expect((await cli(container, 'promo:create', 'dup10', 'fixed', '10')).code).to.equal(0);
    const dup = await cli(container, 'promo:create', 'DUP10', 'fixed', '5');
    expect(dup.code).to.equal(1);
    expect(dup.err + dup.out).to.include('PROMO_CODE_TAKEN');
    expect((await cli(container, 'promo:create', 'X10', 'bogus', '5')).code).to.equal(2);
    expect((await cli(container, 'promo:create', 'X10', 'fixed', '-5')).code).to.equal(2);
  });
});
