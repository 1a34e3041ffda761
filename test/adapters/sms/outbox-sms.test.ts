import { expect } from 'chai';
import sinon from 'sinon';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxSmsSender, type SmsOutboxFile } from '../../../adapters/sms/outbox-sms.js';

describe('OutboxSmsSender (the embedded SMS channel)', () => {
  it('writes each message as one JSON file (creating the folder) and answers its id', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'af-sms-test-')), 'nested', 'outbox');
    const logger = { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
    const sender = new OutboxSmsSender(dir, logger);
    const first = await sender.send({ to: '+919876543210', body: 'Your order ORD-1 is out for delivery' });
    const second = await sender.send({ to: '+919876543211', body: 'Second' });
    const files = (await readdir(dir)).sort();
    expect(files).to.have.length(2);
    const written = await Promise.all(
      files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as SmsOutboxFile),
    );
    const byTo = new Map(written.map((w) => [w.to, w]));
    expect(byTo.get('+919876543210')?.body).to.equal('Your order ORD-1 is out for delivery');
    expect(byTo.get('+919876543210')?.id).to.equal(first.providerId);
    expect(byTo.get('+919876543211')?.id).to.equal(second.providerId);
    expect(first.providerId).to.match(/^sms_\d+-[0-9a-f]{8}$/);
    expect(Date.parse(byTo.get('+919876543211')?.date ?? '')).to.be.a('number').and.not.NaN;
    expect(logger.info.calledWithMatch('sms written to the outbox', { to: '+919876543210' })).to.be.true;
    // the body (it may carry a code or a link) is never logged
    expect(JSON.stringify(logger.info.args)).not.to.contain('out for delivery');
  });

  it('rejects when the folder cannot be written, and tries again on the next message', async () => {
    const base = await mkdtemp(join(tmpdir(), 'af-sms-test-'));
    const { rm, writeFile } = await import('node:fs/promises');
    await writeFile(join(base, 'blocked'), 'a file, not a folder');
    const sender = new OutboxSmsSender(join(base, 'blocked', 'outbox'), {
      info() {},
      warn() {},
      error() {},
    });
    let error: unknown;
    try {
      await sender.send({ to: '+15005550006', body: 'x' });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/ENOTDIR|EEXIST/);
    await rm(join(base, 'blocked'));
    await sender.send({ to: '+15005550006', body: 'y' });
    expect(await readdir(join(base, 'blocked', 'outbox'))).to.have.length(1);
  });
});
