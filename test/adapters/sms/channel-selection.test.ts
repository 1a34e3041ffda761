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
import { FakeTwilioServer } from '../../support/twilio/fake-twilio-server.js';

const silent = { info() {}, warn() {}, error() {} };

describe('notification channels: the SMS and push adapters are chosen by configuration', () => {
  let containers: Container[] = [];
  afterEach(async () => {
    await Promise.all(containers.map((c) => c.unbindAllAsync()));
    containers = [];
  });
  function container(env: Record<string, string>): Container {
    const built = buildContainer(testConfig(env), silent);
    containers.push(built);
    return built;
  }

  it('the embedded default: the SMS outbox folder and the push log', () => {
    const c = container({});
    expect(c.get<SmsSender>(SMS_SENDER)).to.be.instanceOf(OutboxSmsSender);
    expect(c.get<PushSender>(PUSH_SENDER)).to.be.instanceOf(LogPushSender);
  });

  it('with the three Twilio variables: SMS goes through Twilio, not the outbox', async () => {
    const fake = await new FakeTwilioServer().start();
    try {
      const c = container(fake.env('+15005550006'));
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
});
