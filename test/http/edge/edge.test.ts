import { expect } from 'chai';
import { stripDoubledApiPrefix } from '../../../adapters/http/server.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

describe('HTTP edge: envelope, limits, headers', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      BODY_LIMIT_BYTES: '2048',
      CORS_ORIGINS: 'https://shop.example,http://localhost:5173',
    });
  });
  after(async () => t.close());

  it('rewrites only the doubled /api prefix', () => {
    expect(stripDoubledApiPrefix('/api/api/auth/login')).to.equal('/api/auth/login');
    expect(stripDoubledApiPrefix('/api/api?x=1')).to.equal('/api?x=1');
    expect(stripDoubledApiPrefix('/api/apiary')).to.equal('/api/apiary');
    expect(stripDoubledApiPrefix('/api/products')).to.equal('/api/products');
  });

  it('unknown routes answer the compat 404 naming the URL as sent', async () => {
    const res = await t.request({ method: 'GET', url: '/api/api/nope?x=1' });
    expect(res.statusCode).to.equal(404);
    expect(res.json()).to.deep.equal({
      status: 'fail',
      message: 'Route /api/api/nope?x=1 not found',
      code: 'ROUTE_NOT_FOUND',
    });
  });

  it('malformed JSON is a 400 in the error envelope', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/location/check-serviceable',
      headers: { 'content-type': 'application/json' },
      payload: '{"city": ',
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json()).to.deep.include({ error: 'Malformed JSON in request body' });
    const enveloped = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", ',
    });
    expect(enveloped.statusCode).to.equal(400);
    expect(enveloped.json()).to.include({ status: 'error', message: 'Malformed JSON in request body' });
  });

  it('an empty JSON body is "no body": fine where the body is optional, a 400 where it is required', async () => {
    const headers = { 'content-type': 'application/json' };
    const optional = await t.app.inject({
      method: 'POST',
      url: '/api/api/auth/logout',
      headers,
      payload: '',
    });
    expect(optional.statusCode).to.equal(200);
    const required = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: '  ' });
    expect(required.statusCode).to.equal(400);
    expect(required.json()).to.include({ status: 'error', code: 'VALIDATION_FAILED' });
  });

  it('an oversized body is a 413 with a message, never a 500', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      body: { email: 'a@b.c', password: 'x'.repeat(5000) },
    });
    expect(res.statusCode).to.equal(413);
    expect(res.json().status).to.equal('error');
    expect(res.json().message).to.be.a('string').and.not.empty;
  });

  it('an unsupported content type is a 415 in the envelope', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(res.statusCode).to.equal(415);
    expect(res.json().status).to.equal('error');
  });

  it('wrong types and unknown fields name the offending field', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/location/reverse-geocode',
      body: { latitude: '18', longitude: 73, extra: 1 },
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json().error)
      .to.match(/latitude/)
      .and.match(/extra/);
  });

  it('echoes or assigns a request id', async () => {
    const given = await t.request({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).to.equal('abc-123');
    const assigned = await t.request({ method: 'GET', url: '/api/health' });
    expect(assigned.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('sets helmet headers', async () => {
    const res = await t.request({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-frame-options']).to.equal('SAMEORIGIN');
  });

  it('allows configured storefront origins with credentials, preflight included, and no others', async () => {
    const preflight = await t.request({
      method: 'OPTIONS',
      url: '/api/api/auth/me',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).to.equal(204);
    expect(preflight.headers['access-control-allow-origin']).to.equal('https://shop.example');
    expect(preflight.headers['access-control-allow-credentials']).to.equal('true');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).to.include(
      'authorization',
    );
    const other = await t.request({
      method: 'GET',
      url: '/api/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).to.equal(undefined);
  });

  it('serves Swagger UI', async () => {
    const res = await t.request({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).to.equal(200);
    expect(res.headers['content-type']).to.match(/text\/html/);
  });
});

describe('HTTP edge: rate limits', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '3',
      RATE_LIMIT_AUTH_MAX: '2',
      RATE_LIMIT_WISHLIST_MAX: '50',
    });
  });
  after(async () => t.close());

  it('answers 429 {error} past the general budget', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1)
      codes.push((await t.request({ method: 'GET', url: '/api/health' })).statusCode);
    expect(codes).to.deep.equal([200, 200, 200, 429]);
    const limited = await t.request({ method: 'GET', url: '/api/location/popular' });
    expect(limited.statusCode).to.equal(429);
    expect(limited.json().error).to.match(/Too many requests/);
    expect(limited.headers['retry-after']).to.be.a('string');
  });

  it('keeps the polled wishlist on its own budget, so polling never meets the general limit', async () => {
    // The general budget is spent (previous test); the wishlist group still answers (401: no token).
    for (let i = 0; i < 20; i += 1) {
      const res = await t.request({ method: 'GET', url: '/api/api/wishlist' });
      expect(res.statusCode).to.equal(401);
    }
  });

  it('gives login its own smaller budget', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      codes.push(
        (
          await t.request({
            method: 'POST',
            url: '/api/auth/login',
            body: { email: 'x@y.zz', password: 'nope-nope' },
          })
        ).statusCode,
      );
    }
    expect(codes.slice(0, 2)).to.not.include(429);
    expect(codes[2]).to.equal(429);
  });
});
