import { expect } from 'chai';
import type { Container } from 'inversify';
import {
  PUSH_SENDER,
  SMS_SENDER,
  type PushSender,
  type SmsSender,
} from '../../../application/notifications/channels.js';
import { OutboxSmsSender } from '../../../adapters/sms/outbox-sms.js';
import { LogPushSender } from '../../../adapters/push/log-push.js';
import { buildContainer } from '../../../bootstrap/container.js';
import { testConfig } from '../../support/harness.js';
import webpush from 'web-push';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PermanentJobError } from '../../../application/shared/job-queue.js';
import { FakeTwilioServer } from '../../support/twilio/fake-twilio-server.js';

const silent = { info() {}, warn() {}, error() {} };

describe('notification channels: the SMS and push adapters are chosen by configuration', () => {
  let containers: Container[] = [];
  afterEach(async () => {
    await Promise.all(containers.map((c) => c.unbindAllAsync()));
    containers = [];
  });
  async function container(env: Record<string, string>): Promise<Container> {
    const built = await buildContainer(testConfig(env), silent);
    containers.push(built);
    return built;
  }

  it('the embedded default: the SMS outbox folder and the push log', async () => {
    const c = await container({});
    expect(c.get<SmsSender>(SMS_SENDER)).to.be.instanceOf(OutboxSmsSender);
    expect(c.get<PushSender>(PUSH_SENDER)).to.be.instanceOf(LogPushSender);
  });

  it('with the three Twilio variables: SMS goes through Twilio, not the outbox', async () => {
    const fake = await new FakeTwilioServer().start();
    try {
      const c = await container(fake.env('+15005550006'));
      const sender = c.get<SmsSender>(SMS_SENDER);
      expect(sender).not.to.be.instanceOf(OutboxSmsSender);
      const receipt = await sender.send({ to: '+14155550199', body: 'through the container' });
      expect(fake.sent).to.have.length(1);
      expect(fake.sent[0]).to.include({
        to: '+14155550199',
        body: 'through the container',
        sid: receipt.providerId,
      });
    } finally {
      await fake.stop();
    }
  });

  it('with the three VAPID variables: push goes through Web Push, not the log', async () => {
    const keys = webpush.generateVAPIDKeys();
    const c = await container({
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: 'mailto:ops@amourflorals.example',
    });
    const sender = c.get<PushSender>(PUSH_SENDER);
    expect(sender).not.to.be.instanceOf(LogPushSender);
    // The log adapter accepts anything; Web Push refuses a subscription it cannot encrypt for.
    let error: unknown;
    try {
      await sender.send(
        { endpoint: 'https://push.example/x', keys: { p256dh: 'AA', auth: 'AA' } },
        { title: 't', body: 'b' },
      );
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(PermanentJobError);
  });

  it('the embedded default never loads the twilio or web-push SDKs', async function () {
    this.timeout(20_000);
    // A fresh process: builds the container on the default config, resolves both channels and
    // sends once through each, then lists the CommonJS modules loaded (both SDKs are CommonJS).
    // Under `npm run test:dist` this file is compiled: the script then imports the compiled modules.
    const ext = import.meta.url.endsWith('.js') ? 'js' : 'ts';
    const script = [
      "import { createRequire } from 'node:module';",
      `import { buildContainer } from './bootstrap/container.${ext}';`,
      `import { testConfig } from './test/support/harness.${ext}';`,
      `import { SMS_SENDER, PUSH_SENDER } from './application/notifications/channels.${ext}';`,
      'const silent = { info() {}, warn() {}, error() {} };',
      'const c = await buildContainer(testConfig({}), silent);',
      "await c.get(SMS_SENDER).send({ to: '+14155550100', body: 'x' });",
      "await c.get(PUSH_SENDER).send({ endpoint: 'https://push.example/x', keys: { p256dh: 'a', auth: 'b' } }, { title: 't', body: 'b' });",
      'await c.unbindAllAsync();',
      'console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));',
      'process.exit(0);',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...(ext === 'ts' ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script],
      {
        cwd: new URL('../../../', import.meta.url).pathname,
      },
    );
    const loaded = JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
    expect(loaded.some((m) => m.includes('/node_modules/inversify/') || m.includes('/node_modules/'))).to.be
      .true;
    expect(loaded.filter((m) => /\/node_modules\/(twilio|web-push)\//.test(m))).to.deep.equal([]);
  });
});
