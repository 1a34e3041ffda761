import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../application/catalog/ports.js';
import { USER_REPOSITORY, type UserRepository } from '../../application/identity/ports.js';
import { PlaceOrder } from '../../application/ordering/place-order.js';
import type { Container } from 'inversify';
import { cli, cliContainer } from '../support/cli.js';
import { withEventReactions } from '../../bootstrap/modules/events.js';
import { aProduct } from '../support/kit.js';

describe('CLI (same use cases, same container)', () => {
  let container: Container;
  beforeEach(async () => {
    container = await cliContainer();
  });

  it('--help lists every command', async () => {
    const r = await cli(container, '--help');
    expect(r.code).to.equal(0);
    for (const command of ['create-admin', 'seed', 'order:status', 'product:stock'])
      expect(r.out).to.include(command);
  });

  it('seed loads the demo catalog with a progress bar, and a second run creates nothing', async () => {
    const first = await cli(container, 'seed');
    expect(first.code).to.equal(0);
    expect(first.out).to.match(/Seeding \[.*\] 100% \| (\d+)\/\1 records/);
    expect(first.out).to.match(/Seeded \d+ new categories .* and 34 new products \(of 34\)/);
    expect(await container.get<ProductRepository>(PRODUCT_REPOSITORY).all()).to.have.length(34);
    const second = await cli(container, 'seed');
    expect(second.out).to.include('Seeded 0 new categories');
    expect(second.out).to.include('0 new products');
  });

  it('create-admin creates an admin with a generated password printed once, then promotes on re-run', async () => {
    const r = await cli(container, 'create-admin', '--email', 'Ops@Example.com', '--name', 'Ops Team');
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/Created admin ops@example.com/);
    expect(r.out).to.match(/Password \(shown once\): [0-9a-f]{18}/);
    const user = await container.get<UserRepository>(USER_REPOSITORY).findByEmail('ops@example.com');
    expect(user?.role).to.equal('admin');
    const again = await cli(
      container,
      'create-admin',
      '--email',
      'ops@example.com',
      '--password',
      'another-pass',
    );
    expect(again.out).to.match(/Promoted admin ops@example.com/);
    expect(again.out).to.not.include('shown once');
  });

  it('user:role grants the courier role by email; an unknown role is a usage error, an unknown user exit 1', async () => {
    await cli(container, 'create-admin', '--email', 'ravi@example.com', '--password', 'secret-pass');
    const users = container.get<UserRepository>(USER_REPOSITORY);
    const r = await cli(container, 'user:role', 'Ravi@Example.com', 'courier');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/ravi@example.com \(\w+\) is now courier/);
    expect((await users.findByEmail('ravi@example.com'))?.role).to.equal('courier');
    const bad = await cli(container, 'user:role', 'ravi@example.com', 'superuser');
    expect(bad.code).to.equal(2);
    expect((await users.findByEmail('ravi@example.com'))?.role).to.equal('courier');
    const missing = await cli(container, 'user:role', 'nobody@example.com', 'courier');
    expect(missing.code).to.equal(1);
  });

  it('create-admin refuses an invalid email with the use case code and exit 1', async () => {
    const r = await cli(container, 'create-admin', '--email', 'not-an-email', '--password', 'secret-pass');
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/^Error VALIDATION_FAILED: /);
  });

  it('product:stock sets the stock; bad numbers are usage errors (exit 2)', async () => {
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const p = await products.create(aProduct({ name: 'CLI Tulips' }));
    const r = await cli(container, 'product:stock', p.id, '7');
    expect(r.code).to.equal(0);
    expect(r.out).to.include('CLI Tulips: stock 7');
    expect((await products.findById(p.id))?.inventory.stock).to.equal(7);
    expect((await cli(container, 'product:stock', p.id, '-3')).code).to.equal(2);
    expect((await cli(container, 'product:stock', p.id, 'x')).code).to.equal(2);
    const missing = await cli(container, 'product:stock', 'a'.repeat(24), '1');
    expect(missing.code).to.equal(1);
    expect(missing.err).to.include('PRODUCT_NOT_FOUND');
  });

  it('order:status moves an order by its number along the state machine and refuses a bad edge', async () => {
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const p = await products.create(aProduct());
    const users = container.get<UserRepository>(USER_REPOSITORY);
    await cli(container, 'create-admin', '--email', 'buyer@example.com', '--password', 'buyer-pass');
    const buyer = (await users.findByEmail('buyer@example.com'))!;
    const placed = await container.get(PlaceOrder).execute({
      userId: buyer.id,
      lines: { from: 'request', items: [{ productId: p.id, quantity: 1 }] },
      shippingAddress: { fullName: 'B', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
    });
    if (placed.isErr()) throw new Error(JSON.stringify(placed.error));
    const number = placed.unwrap().order.orderNumber;
    const r = await cli(container, 'order:status', number, 'confirmed', '--note', 'phoned');
    expect(r.code).to.equal(0);
    expect(r.out).to.equal(`Order ${number} is now confirmed\n`);
    const bad = await cli(container, 'order:status', number, 'delivered');
    expect(bad.code).to.equal(1);
    expect(bad.err).to.include('INVALID_STATUS_TRANSITION');
    expect((await cli(container, 'order:status', number, 'teleported')).code).to.equal(2);
  });

  it('order:status cancelled gets the same reactions as the API: the stock goes back once', async () => {
    const products = container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const p = await products.create(
      aProduct({ inventory: { stock: 5, lowStockThreshold: 0, isAvailable: true } }),
    );
    await cli(container, 'create-admin', '--email', 'shopper@example.com', '--password', 'shopper-pass');
    const shopper = (await container
      .get<UserRepository>(USER_REPOSITORY)
      .findByEmail('shopper@example.com'))!;
    const placed = await container.get(PlaceOrder).execute({
      userId: shopper.id,
      lines: { from: 'request', items: [{ productId: p.id, quantity: 2 }] },
      shippingAddress: { fullName: 'B', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
    });
    const number = placed.unwrap().order.orderNumber;
    const stock = async () => (await products.findById(p.id))!.inventory.stock;
    expect(await stock()).to.equal(3);
    const r = await withEventReactions(container, () => cli(container, 'order:status', number, 'cancelled'));
    expect(r.code, r.err).to.equal(0);
    expect(await stock()).to.equal(5);
  });
});
