import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../support/harness.js';

/**
 * @fastify/multipart lives in the upload routes' scopes only (media/uploads.ts, acceptMultipart):
 * its hooks (a listener on every answer, a promise per request) are not on any other route, and a
 * multipart body sent elsewhere is an unsupported media type, never a 500.
 */
describe('http/media: multipart parsing only where files are uploaded', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(() => t.close());

  const form = '--XX\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.c\r\n--XX--\r\n';

  it('a multipart body to a JSON route answers 415 in the error envelope', async () => {
    for (const url of ['/api/auth/login', '/api/orders']) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'multipart/form-data; boundary=XX' },
        payload: form,
      });
      expect(res.statusCode, url).to.equal(415);
      expect(res.json(), url).to.deep.include({ status: 'error', code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    }
  });

  it('the root scope (every route outside the upload scopes) has no multipart parsing', () => {
    // @fastify/multipart decorates the requests of the scope it is registered in, with its hooks
    expect(t.app.hasRequestDecorator('isMultipart')).to.equal(false);
    expect(t.app.hasContentTypeParser('multipart/form-data')).to.equal(false);
  });
});
