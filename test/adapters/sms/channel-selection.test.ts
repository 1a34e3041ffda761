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
});
