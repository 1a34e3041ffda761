import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxSmsSender, type SmsOutboxFile } from '../../../adapters/sms/outbox-sms.js';
import { TwilioSmsSender } from '../../../adapters/sms/twilio-sms.js';
import { FakeTwilioServer } from '../../support/twilio/fake-twilio-server.js';
import { smsSenderContract } from './sms-sender.contract.js';

const silent = { info() {}, warn() {}, error() {} };

describe('SmsSender contract: the outbox folder', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'af-sms-contract-'));
  });
  smsSenderContract({
    sender: () => new OutboxSmsSender(dir, silent),
    delivered: async () =>
      Promise.all(
        (await readdir(dir)).map(async (f) => {
          const file = JSON.parse(await readFile(join(dir, f), 'utf8')) as SmsOutboxFile;
          return { to: file.to, body: file.body, id: file.id };
        }),
      ),
  });
});

describe('SmsSender contract: Twilio (official SDK) on a local Twilio Messages API', () => {
  const fake = new FakeTwilioServer();
  before(async () => {
    await fake.start();
  });
  after(async () => fake.stop());
  smsSenderContract({
    sender: () =>
      new TwilioSmsSender(
        { accountSid: fake.accountSid, authToken: fake.authToken, from: '+15005550006', apiUrl: fake.url },
        silent,
      ),
    delivered: () => Promise.resolve(fake.sent.map((m) => ({ to: m.to, body: m.body, id: m.sid }))),
  });
});
