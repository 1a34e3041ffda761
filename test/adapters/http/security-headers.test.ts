import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import helmet from 'helmet';
import { HELMET_OPTIONS, helmetHeaders } from '../../../adapters/http/security-headers.js';

describe('security headers computed once from helmet', () => {
  let server: Server;
  let url: string;

  before(async () => {
    // helmet's own middleware on a real server: what it sets per request is the reference.
    const middleware = helmet(HELMET_OPTIONS);
    server = createServer((req, res) => {
      middleware(req, res, () => {
        res.setHeader('content-type', 'text/plain');
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('are exactly the headers helmet sets on a live answer', async () => {
    const live = await fetch(url);
    const computed = helmetHeaders(HELMET_OPTIONS);
    expect(Object.keys(computed)).to.have.length.above(8);
    for (const [name, value] of Object.entries(computed))
      expect(live.headers.get(name), name).to.equal(value);
    const ignored = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);
    const liveNames = [...live.headers.keys()].filter((n) => !ignored.has(n));
    expect(liveNames.sort()).to.deep.equal(Object.keys(computed).sort());
  });

  it('carry the configured policy and are frozen (shared by every answer)', () => {
    const computed = helmetHeaders(HELMET_OPTIONS);
    expect(computed['content-security-policy']).to.include("img-src 'self' data: https:");
    expect(computed['cross-origin-resource-policy']).to.equal('cross-origin');
    expect(Object.isFrozen(computed)).to.equal(true);
  });
});
