import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../bootstrap/config.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TWILIO = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'token-secret', TWILIO_FROM: '+15005550006' };
// A P-256 key pair in the base64url form web-push's generateVAPIDKeys() answers.
const VAPID = {
  VAPID_PUBLIC_KEY: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'),
  VAPID_PRIVATE_KEY: Buffer.alloc(32, 9).toString('base64url'),
  VAPID_SUBJECT: 'mailto:ops@amourflorals.example',
};

function refused(env: Record<string, string>): string {
  try {
    loadConfig({ NODE_ENV: 'test', ...env }, () => 'g');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to refuse');
}

describe('bootstrap/config SMS and push channels', () => {
  it('the embedded default: the SMS outbox folder, no Twilio, no VAPID', () => {
    const c = loadConfig({ NODE_ENV: 'test' }, () => 'g');
    expect(c.sms.outboxDir).to.equal('var/sms-outbox');
    expect(c.twilio).to.equal(null);
    expect(c.vapid).to.equal(null);
    expect(loadConfig({ SMS_OUTBOX_DIR: '/tmp/x' }, () => 'g').sms.outboxDir).to.equal('/tmp/x');
  });

  it('reads a complete Twilio set (and the API origin override)', () => {
    expect(loadConfig(TWILIO, () => 'g').twilio).to.deep.equal({
      accountSid: SID,
      authToken: 'token-secret',
      from: '+15005550006',
    });
    expect(
      loadConfig({ ...TWILIO, TWILIO_API_URL: 'http://127.0.0.1:4010/' }, () => 'g').twilio?.apiUrl,
    ).to.equal('http://127.0.0.1:4010');
  });

  it('refuses a partial Twilio set with one line naming the missing variable', () => {
    const message = refused({ TWILIO_ACCOUNT_SID: SID, TWILIO_FROM: '+15005550006' });
    expect(message).to.match(/^Invalid configuration: TWILIO_AUTH_TOKEN is required when any of/);
    expect(message.split('\n')).to.have.length(1);
    expect(refused({ TWILIO_AUTH_TOKEN: 'x' })).to.contain('TWILIO_ACCOUNT_SID is required');
    expect(refused({ ...TWILIO, TWILIO_ACCOUNT_SID: 'nope' })).to.contain('TWILIO_ACCOUNT_SID must be');
    expect(refused({ ...TWILIO, TWILIO_FROM: '12345' })).to.contain('TWILIO_FROM must be');
    expect(refused({ ...TWILIO, TWILIO_API_URL: 'ftp://x/y' })).to.contain('TWILIO_API_URL');
  });

  it('reads a complete VAPID set and refuses a partial or malformed one', () => {
    expect(loadConfig(VAPID, () => 'g').vapid).to.deep.equal({
      publicKey: VAPID.VAPID_PUBLIC_KEY,
      privateKey: VAPID.VAPID_PRIVATE_KEY,
      subject: VAPID.VAPID_SUBJECT,
    });
    expect(refused({ VAPID_PUBLIC_KEY: VAPID.VAPID_PUBLIC_KEY })).to.contain('VAPID_PRIVATE_KEY is required');
    expect(refused({ ...VAPID, VAPID_PUBLIC_KEY: 'abc' })).to.contain('VAPID_PUBLIC_KEY must be');
    const bad = refused({ ...VAPID, VAPID_PRIVATE_KEY: 'short' });
    expect(bad).to.contain('VAPID_PRIVATE_KEY must be');
    expect(bad).not.to.contain('short');
    expect(refused({ ...VAPID, VAPID_SUBJECT: 'ops@example.com' })).to.contain('VAPID_SUBJECT must be');
  });

  it('PUSH_ENDPOINT_HOSTS replaces the known push services; a malformed list stops the start', () => {
    expect(loadConfig({}, () => 'g').pushEndpointHosts).to.include('fcm.googleapis.com');
    expect(
      loadConfig({ PUSH_ENDPOINT_HOSTS: 'Push.Example, fcm.googleapis.com' }, () => 'g').pushEndpointHosts,
    ).to.deep.equal(['push.example', 'fcm.googleapis.com']);
    expect(refused({ PUSH_ENDPOINT_HOSTS: 'push.example,https://x' })).to.contain('PUSH_ENDPOINT_HOSTS');
    expect(refused({ PUSH_ENDPOINT_HOSTS: 'a,,b' })).to.contain('PUSH_ENDPOINT_HOSTS');
  });
});
