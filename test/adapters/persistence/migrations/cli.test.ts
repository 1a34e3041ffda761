import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { Container } from 'inversify';
import type { Connection } from 'mongoose';
import { runCli } from '../../../../adapters/cli/program.js';
import { MONGO_CONNECTION } from '../../../../adapters/persistence/mongo/connection.js';
import { buildContainer } from '../../../../bootstrap/container.js';
import { testConfig } from '../../../support/harness.js';
import { describeWith, mongoTestUri } from '../../../support/services.js';

const silent = { info() {}, warn() {}, error() {} };

async function cli(container: Container, ...argv: string[]) {
  let out = '';
  let err = '';
  const stream = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await runCli(argv, container, {
    out: stream((s) => (out += s)),
    err: stream((s) => (err += s)),
    isTty: false,
  });
  return { code, out, err };
}

describe('CLI db:indexes and migrate without MongoDB', () => {
  it('--help lists them', async () => {
    const r = await cli(await buildContainer(testConfig(), silent), '--help');
    expect(r.out).to.include('db:indexes').and.to.include('migrate');
  });

  for (const argv of [['db:indexes'], ['migrate', 'up'], ['migrate', 'down'], ['migrate', 'status']]) {
    it(`${argv.join(' ')} explains that MONGODB_URI is needed and exits 2`, async () => {
      const r = await cli(await buildContainer(testConfig(), silent), ...argv);
      expect(r.code).to.equal(2);
      expect(r.err).to.match(/^MONGODB_URI is not set: /);
      expect(r.out).to.equal('');
    });
  }

  it('migrate with an unknown direction is a usage error (exit 2)', async () => {
    const r = await cli(await buildContainer(testConfig(), silent), 'migrate', 'sideways');
    expect(r.code).to.equal(2);
    expect(r.err).to.include('must be up, down or status');
  });
});

describeWith(['mongo'], 'CLI db:indexes and migrate on MongoDB', () => {
  let container: Container;
  before(async () => {
    container = await buildContainer(testConfig({ MONGODB_URI: mongoTestUri('cli') }), silent);
  });
  after(async () => {
    if (!container) return;
    await container.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await container.unbindAllAsync();
  });

  it('migrate status, up, up again, down, status', async () => {
    const before = await cli(container, 'migrate', 'status');
    expect(before.code).to.equal(0);
    expect(before.out).to.equal(
      '001-create-indexes: pending\n002-order-defaults: pending\n003-order-gateway-ids: pending\n',
    );
    const up = await cli(container, 'migrate', 'up');
    expect(up.out).to.equal(
      'Applied 001-create-indexes\nApplied 002-order-defaults\nApplied 003-order-gateway-ids\n3 migration(s) applied\n',
    );
    expect((await cli(container, 'migrate', 'up')).out).to.equal('Nothing to apply: up to date\n');
    const status = await cli(container, 'migrate', 'status');
    expect(status.out).to.match(
      /^001-create-indexes: applied \d{4}-\d\d-\d\dT.*\n002-order-defaults: applied /,
    );
    expect((await cli(container, 'migrate', 'down')).out).to.equal('Reverted 003-order-gateway-ids\n');
    expect((await cli(container, 'migrate', 'status')).out).to.match(/\n003-order-gateway-ids: pending\n$/);
  });

  it('db:indexes lists every declared index per collection with its status', async () => {
    const r = await cli(container, 'db:indexes');
    expect(r.code).to.equal(0);
    for (const line of [
      /^users$/m,
      /^ {2}email_1 \{"email":1\} \{"unique":true\}: created$/m,
      /^carts$/m,
      /^ {2}userId_1 \{"userId":1\} \{"unique":true\}: created$/m,
      /^orders$/m,
      /^ {2}orderNumber_1 \{"orderNumber":1\} \{"unique":true\}: created$/m,
      /^ {2}userId_1_createdAt_-1 \{"userId":1,"createdAt":-1\}: created$/m,
      /^ {2}status_1_createdAt_-1 \{"status":1,"createdAt":-1\}: created$/m,
      /^audit_log$/m,
      /^ {2}timestamp_-1__id_-1 \{"timestamp":-1,"_id":-1\}: created$/m,
      /^revoked_tokens$/m,
      /^ {2}until_1 \{"until":1\} \{"expireAfterSeconds":0\}: (created|unsupported)$/m,
      /^password_resets$/m,
      /^ {2}tokenHash_1 \{"tokenHash":1\} \{"unique":true\}: created$/m,
      /^\d+ indexes: \d+ created, \d+ unsupported by this server$/m,
    ])
      expect(r.out).to.match(line);
    const names = (
      await container.get<Connection>(MONGO_CONNECTION).db!.collection('orders').listIndexes().toArray()
    ).map((i) => i.name);
    expect(names).to.include('orderNumber_1');
  });
});
