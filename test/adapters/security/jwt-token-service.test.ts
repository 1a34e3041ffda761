import { expect } from 'chai';
import { JwtTokenService } from '../../../adapters/security/jwt-token-service.js';

const SECRET = 'k'.repeat(48);
const USER = 'a'.repeat(24);

describe('adapters/security JwtTokenService', () => {
  it('a token verified before is still refused once expired (the remembered claims keep their expiry)', () => {
    const tokens = new JwtTokenService(SECRET, 60);
    const { token, claims } = tokens.sign(USER, 1_000, 'sess1');
    expect(tokens.verify(token, 1_000)).to.deep.equal(claims);
    expect(tokens.verify(token, 1_059)).to.deep.equal(claims);
    expect(tokens.verify(token, 1_060)).to.equal(null);
    // and stays refused, also for an earlier clock reading afterwards (nothing is re-admitted)
    expect(tokens.verify(token, 1_061)).to.equal(null);
  });

  it('a token expired at its first verification is refused, and one signed with another key never passes', () => {
    const tokens = new JwtTokenService(SECRET, 60);
    const { token } = tokens.sign(USER, 1_000);
    expect(tokens.verify(token, 2_000)).to.equal(null);
    const other = new JwtTokenService('z'.repeat(48), 60);
    const foreign = other.sign(USER, 1_000).token;
    expect(other.verify(foreign, 1_001)).to.not.equal(null);
    expect(tokens.verify(foreign, 1_001)).to.equal(null);
    expect(tokens.verify(foreign, 1_002)).to.equal(null);
  });

  it('a tampered copy of a verified token is refused (the signature is checked for each distinct token)', () => {
    const tokens = new JwtTokenService(SECRET, 60);
    const { token } = tokens.sign(USER, 1_000);
    expect(tokens.verify(token, 1_001)).to.not.equal(null);
    const [header, payload, signature] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    forged.exp = 9_999_999;
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    expect(tokens.verify(tampered, 1_001)).to.equal(null);
  });

  it('keeps working past its memory bound: the oldest verified tokens are verified again', () => {
    const tokens = new JwtTokenService(SECRET, 600);
    const first = tokens.sign(USER, 1_000);
    for (let i = 0; i < 10_050; i++)
      tokens.verify(tokens.sign(USER, 1_000 + (i % 100), 's' + i).token, 1_100);
    expect(tokens.verify(first.token, 1_100)).to.deep.equal(first.claims);
    expect(tokens.verify(first.token, 1_600)).to.equal(null);
  });
});
