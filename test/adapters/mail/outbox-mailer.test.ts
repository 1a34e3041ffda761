import { expect } from 'chai';
import sinon from 'sinon';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxMailer } from '../../../adapters/mail/outbox-mailer.js';

describe('OutboxMailer (the embedded default)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'af-outbox-mailer-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('writes each message as one JSON file (from, date, the message) in a directory it creates, and logs recipient and subject only', async () => {
    const dir = join(root, 'outbox');
    const log = { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
    const mailer = new OutboxMailer(dir, 'Amour Florals <shop@florals.test>', log);
    const message = {
      to: 'asha@example.com',
      subject: 'Your order',
      text: 'Total ₹1,299.00',
      html: '<p>₹</p>',
    };
    await mailer.send(message);
    await mailer.send({ ...message, subject: 'Second' });

    const files = (await readdir(dir)).sort();
    expect(files).to.have.length(2);
    for (const f of files) expect(f).to.match(/^\d+-[0-9a-f]{8}\.json$/);
    const written = await Promise.all(
      files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8'))),
    );
    const first = written.find((m) => m.subject === 'Your order');
    expect(first).to.deep.equal({ from: 'Amour Florals <shop@florals.test>', date: first.date, ...message });
    expect(new Date(first.date).toISOString()).to.equal(first.date);
    expect(log.info.callCount).to.equal(2);
    const [line, fields] = log.info.firstCall.args;
    expect(line).to.equal('mail written to the outbox');
    expect(fields).to.have.keys('to', 'subject', 'file');
  });

  it('a send that cannot write (the outbox path is a file) rejects and logs nothing', async () => {
    const log = { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
    const file = join(root, 'not-a-directory');
    await writeFile(file, '');
    let failed: unknown;
    await new OutboxMailer(file, 'shop@florals.test', log)
      .send({ to: 'a@b.c', subject: 's', text: 't', html: '<p>t</p>' })
      .catch((error: unknown) => (failed = error));
    expect(failed).to.be.instanceOf(Error);
    expect(log.info.callCount).to.equal(0);
  });
});
