import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../bootstrap/config.js';
import { PRODUCTION_SECRETS } from '../../support/harness.js';

const KEY = PRODUCTION_SECRETS.PII_MASTER_KEY;

function load(env: Record<string, string>) {
  return loadConfig(env, () => 'generated-secret');
}

function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).to.include('PII_MASTER_KEY');
    expect(message).not.to.include(KEY);
    return message;
  }
  throw new Error('expected PII_MASTER_KEY to be refused');
}

describe('bootstrap/config: PII_MASTER_KEY', () => {
  const prod = {
    NODE_ENV: 'production',
    JWT_SECRET: PRODUCTION_SECRETS.JWT_SECRET,
    CARD_PAYMENTS_ENABLED: 'false',
  };

  it('production refuses a missing key, and a short or non-base64 one anywhere', () => {
    expect(refusal(prod)).to.match(/required when NODE_ENV=production/);
    const short = Buffer.alloc(16, 1).toString('base64');
    expect(refusal({ ...prod, PII_MASTER_KEY: short })).to.match(/32 bytes/);
    expect(refusal({ NODE_ENV: 'development', PII_MASTER_KEY: short })).to.match(/32 bytes/);
    expect(refusal({ NODE_ENV: 'development', PII_MASTER_KEY: 'not base64 at all!' })).to.match(/32 bytes/);
  });

  it('MongoDB without a key refuses to start outside production too (a generated key would lose the data at restart)', () => {
    expect(refusal({ NODE_ENV: 'development', MONGODB_URI: 'mongodb://127.0.0.1:27017/x' })).to.match(
      /required with MONGODB_URI/,
    );
  });

  it('the embedded default generates a key and says so; a set key and its id are used as given', () => {
    const embedded = load({ NODE_ENV: 'development' }).pii;
    expect(embedded.generated).to.equal(true);
    expect(Buffer.from(embedded.masterKey, 'base64')).to.have.length(32);
    const set = load({ ...prod, PII_MASTER_KEY: KEY, PII_MASTER_KEY_ID: 'kms-2026' }).pii;
    expect(set).to.deep.equal({ masterKey: KEY, masterKeyId: 'kms-2026', generated: false });
    expect(() => load({ NODE_ENV: 'development', PII_MASTER_KEY_ID: 'bad id:1' })).to.throw(
      ConfigError,
      /PII_MASTER_KEY_ID/,
    );
  });
});
