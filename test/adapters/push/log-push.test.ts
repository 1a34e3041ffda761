import { expect } from 'chai';
import sinon from 'sinon';
import { LogPushSender } from '../../../adapters/push/log-push.js';

describe('LogPushSender (the embedded push channel)', () => {
  it("logs the endpoint's origin and the title, never the capability path or the body", async () => {
    const logger = { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
    const sender = new LogPushSender(logger);
    await sender.send(
      {
        endpoint: 'https://push.example.net/wpush/v2/secret-capability-token',
        keys: { p256dh: 'p', auth: 'a' },
      },
      { title: 'Your flowers are on the way', body: 'Private body text', url: '/orders/1' },
    );
    expect(logger.info.calledOnce).to.be.true;
    expect(
      logger.info.calledWithMatch(sinon.match.string, {
        endpoint: 'https://push.example.net',
        title: 'Your flowers are on the way',
      }),
    ).to.be.true;
    const logged = JSON.stringify(logger.info.args);
    expect(logged).not.to.contain('secret-capability-token');
    expect(logged).not.to.contain('Private body text');
  });
});
