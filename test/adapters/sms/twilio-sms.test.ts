import { expect } from 'chai';
import sinon from 'sinon';
import { TwilioSmsSender } from '../../../adapters/sms/twilio-sms.js';
import { PermanentJobError } from '../../../application/shared/job-queue.js';
import { FakeTwilioServer } from '../../support/twilio/fake-twilio-server.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }
  return expect.fail('expected the send to be refused');
}

describe('TwilioSmsSender (official SDK) against a local Twilio Messages API', () => {
  const fake = new FakeTwilioServer();
  const logger = { info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
  const sender = (overrides: { authToken?: string; from?: string } = {}) =>
    new TwilioSmsSender(
      {
        accountSid: fake.accountSid,
        authToken: overrides.authToken ?? fake.authToken,
        from: overrides.from ?? '+15005550006',
        apiUrl: fake.url,
      },
      logger,
    );
  before(async () => {
    await fake.start();
  });
  after(async () => fake.stop());
  beforeEach(() => {
    fake.reset();
    logger.info.resetHistory();
  });

  it("posts Twilio's form to the account's Messages.json with Basic auth and answers the sid", async () => {
    const receipt = await sender().send({ to: '+14155550101', body: 'Private: your code is 123456' });
    expect(fake.requests).to.have.length(1);
    const [request] = fake.requests;
    expect(request).to.include({
      method: 'POST',
      path: `/2010-04-01/Accounts/${fake.accountSid}/Messages.json`,
      status: 201,
    });
    expect(request!.contentType).to.match(/^application\/x-www-form-urlencoded/);
    expect(request!.form).to.deep.equal({
      To: '+14155550101',
      From: '+15005550006',
      Body: 'Private: your code is 123456',
    });
    expect(receipt.providerId)
      .to.equal(fake.sent[0]!.sid)
      .and.match(/^SM[0-9a-f]{32}$/);
    expect(
      logger.info.calledWithMatch('sms sent through Twilio', { to: '+14155550101', sid: receipt.providerId }),
    ).to.be.true;
    expect(JSON.stringify(logger.info.args)).not.to.contain('123456');
  });

  it('a messaging service sender (MG...) goes as MessagingServiceSid', async () => {
    const service = `MG${'ab'.repeat(16)}`;
    await sender({ from: service }).send({ to: '+14155550102', body: 'via service' });
    expect(fake.requests[0]!.form).to.deep.equal({
      To: '+14155550102',
      MessagingServiceSid: service,
      Body: 'via service',
    });
  });

  it('a wrong auth token is refused by the API (401) and rejects as retryable, sending nothing', async () => {
    const error = await rejection(
      sender({ authToken: 'wrong-token' }).send({ to: '+14155550103', body: 'x' }),
    );
    expect(fake.requests[0]!.status).to.equal(401);
    expect(error).not.to.be.instanceOf(PermanentJobError);
    expect(error.message).to.contain('401').and.contain('20003');
    expect(fake.sent).to.have.length(0);
  });

  it("Twilio's 400 code 21211 (invalid To) is a PermanentJobError naming the code", async () => {
    fake.failNext(400, 21211, "The 'To' number +15005550001 is not a valid phone number.");
    const error = await rejection(sender().send({ to: '+15005550001', body: 'x' }));
    expect(error).to.be.instanceOf(PermanentJobError);
    expect(error.message).to.contain('400').and.contain('21211');
  });

  for (const [status, code] of [
    [429, 20429],
    [500, 20500],
    [503, 20503],
  ] as const) {
    it(`Twilio's ${status} rejects plainly (retried), and the next attempt is delivered`, async () => {
      fake.failNext(status, code, 'Try again later');
      const s = sender();
      const error = await rejection(s.send({ to: '+14155550104', body: `after ${status}` }));
      expect(error).not.to.be.instanceOf(PermanentJobError);
      expect(error.message).to.contain(String(status));
      const receipt = await s.send({ to: '+14155550104', body: `after ${status}` });
      expect(fake.sent.map((m) => m.sid)).to.deep.equal([receipt.providerId]);
    });
  }

  it('an unreachable API rejects plainly (retried)', async () => {
    const gone = new FakeTwilioServer(fake.accountSid, fake.authToken);
    await gone.start();
    const url = gone.url;
    await gone.stop();
    const s = new TwilioSmsSender(
      { accountSid: fake.accountSid, authToken: fake.authToken, from: '+15005550006', apiUrl: url },
      logger,
    );
    const error = await rejection(s.send({ to: '+14155550105', body: 'x' }));
    expect(error).not.to.be.instanceOf(PermanentJobError);
  });
});
