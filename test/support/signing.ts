import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The signature headers of a sensitive request (README "Request signing"), written apart from the
 * server's code so a change of the scheme on either side fails the tests. `url` is the path and
 * query as sent; `body` the exact text sent (a non-string is sent as its JSON.stringify).
 */
export function signRequest(options: {
  method: string;
  url: string;
  body?: unknown;
  key: string;
  timestamp?: number;
  nonce?: string;
}): Record<string, string> {
  const body =
    options.body === undefined
      ? ''
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  const canonical = [
    options.method.toUpperCase(),
    options.url,
    timestamp,
    nonce,
    createHash('sha256').update(body, 'utf8').digest('hex'),
  ].join('\n');
  return {
    'x-signature-timestamp': timestamp,
    'x-signature-nonce': nonce,
    'x-signature': createHmac('sha256', options.key).update(canonical, 'utf8').digest('hex'),
  };
}
