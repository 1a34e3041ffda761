import type { App } from '../types.js';

/**
 * In this plugin's scope only: a JSON request with an empty body parses as "no body" instead of
 * failing with 400. The storefront adds to the wishlist with POST and no body (compat 6); some
 * clients still send `Content-Type: application/json` then. Non-empty bodies use Fastify's default
 * (prototype-poisoning safe) JSON parser unchanged.
 */
export function allowEmptyJsonBodies(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
