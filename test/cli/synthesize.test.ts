import { expect } from 'chai';
import type { Container } from 'inversify';
import { PRODUCT_VIEWS, type ProductViews } from '../../application/discovery/ports.js';
import { USER_REPOSITORY, type UserRepository } from '../../application/identity/ports.js';
import { LoginUser } from '../../application/identity/sessions.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../../application/ordering/ports.js';
import { WISHLIST_REPOSITORY, type WishlistRepository } from '../../application/wishlist/ports.js';
import { syntheticId } from '../../domain/discovery/synthetic.js';
import { cli, cliContainer } from '../support/cli.js';

describe('CLI orders:synthesize (embedded store)', () => {
  let container: Container;
  beforeEach(async () => {
    container = await cliContainer();
  });

  const totalViews = async () =>
    (await container.get<ProductViews>(PRODUCT_VIEWS).since('2000-01-01')).reduce((s, v) => s + v.count, 0);

  it('writes shoppers, orders, favourites and views with a progress bar; the same seed again adds nothing', async () => {
    expect((await cli(container, 'seed')).code).to.equal(0);
    const args = ['orders:synthesize', '--orders', '400', '--months', '6', '--seed', '7', '--users', '60'];
    const first = await cli(container, ...args);
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.match(/Synthesizing \[.*\] 100% \| 460\/460 shoppers and orders/);
    const m =
      /Synthesized 60 new shoppers, 400 new orders \(0 already there\), (\d+) favourites, (\d+) product views/.exec(
        first.out,
      );
    expect(m, first.out).to.not.equal(null);
    const orders = container.get<OrderRepository>(ORDER_REPOSITORY);
    const all = await orders.listCreatedBetween();
    expect(all).to.have.length(400);
    expect(new Set(all.map((o) => o.status)).has('delivered')).to.equal(true);
    const users = container.get<UserRepository>(USER_REPOSITORY);
    const shopper = await users.findById(syntheticId(7, 'user', 0));
    expect(shopper?.email).to.equal('shopper-7-0@synthetic.amour-florals.example');
    expect((await orders.findByUser(shopper!.id)).length).to.be.greaterThan(0);
    const views = await totalViews();
    expect(views).to.equal(Number(m![2]));
    let favourites = 0;
    for (let n = 0; n < 60; n++) {
      favourites += (
        await container.get<WishlistRepository>(WISHLIST_REPOSITORY).get(syntheticId(7, 'user', n))
      ).length;
    }
    expect(favourites).to.equal(Number(m![1])).and.to.be.greaterThan(0);

    const again = await cli(container, ...args);
    expect(again.code).to.equal(0);
    expect(again.out).to.include(
      'Synthesized 0 new shoppers, 0 new orders (400 already there), 0 favourites, 0 product views',
    );
    expect(await orders.listCreatedBetween()).to.have.length(400);
    expect(await totalViews()).to.equal(views);
  });

  it('synthetic shoppers cannot sign in', async () => {
    expect((await cli(container, 'seed')).code).to.equal(0);
    expect(
      (await cli(container, 'orders:synthesize', '--orders', '5', '--users', '2', '--seed', '1')).code,
    ).to.equal(0);
    const login = await container.get(LoginUser).execute({
      email: 'shopper-1-0@synthetic.amour-florals.example',
      password: '!synthetic-shopper-no-password',
      ip: '203.0.113.9',
    });
    expect(login.isErr() && login.error.code).to.equal('INVALID_CREDENTIALS');
  });

  it('refuses an empty catalog and bad sizes', async () => {
    const empty = await cli(container, 'orders:synthesize', '--orders', '5');
    expect(empty.code).to.equal(1);
    expect(empty.err).to.include('catalog is empty');
    expect((await cli(container, 'orders:synthesize', '--orders', 'x')).code).to.equal(2);
    await cli(container, 'seed');
    const zero = await cli(container, 'orders:synthesize', '--orders', '0');
    expect(zero.code).to.equal(1);
    expect(zero.err).to.include('orders must be 1-');
  });
});
