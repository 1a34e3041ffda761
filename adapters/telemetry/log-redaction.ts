/**
 * What must never reach a log line: credentials in headers, password and token fields, and the
 * password-reset token that travels in the URL path (`PUT /api/auth/resetpassword/:resettoken`,
 * also under the storefront's doubled `/api/api` prefix). A failed reset does not spend its
 * token, so a logged one is a live key to the account for its whole validity.
 */

export const REDACTED = '[REDACTED]';

const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'passwordConfirm',
  'token',
  'resetToken',
  'resettoken',
  'accessToken',
  'refreshToken',
  'secret',
  'authorization',
  'cookie',
];

/**
 * pino `redact` paths: the fields above at the top level and one level down (e.g. `body.password`,
 * `user.token`), and the credential headers of a logged request or response.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body.password',
  'req.body.currentPassword',
  'req.body.newPassword',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
];

/** Path segments whose next segment is a secret. */
const SECRET_SEGMENT_AFTER = /(\/resetpassword\/)[^/?#]+/gi;
/** Query parameters that carry secrets. */
const SECRET_QUERY = /^(token|access_token|reset_?token|password|secret|signature|api_?key|key)$/i;

/** The URL as it may be logged: the reset token and secret query values replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const withoutHash = hash === -1 ? url : url.slice(0, hash);
  const q = withoutHash.indexOf('?');
  const path = (q === -1 ? withoutHash : withoutHash.slice(0, q)).replace(
    SECRET_SEGMENT_AFTER,
    `$1${REDACTED}`,
  );
  if (q === -1) return path;
  const query = withoutHash
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed name is logged as it came
      }
      return eq !== -1 && SECRET_QUERY.test(decoded) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly headers?: Record<string, unknown>;
  readonly socket?: { readonly remotePort?: number };
}

/** Fastify's request serializer (same fields) with the URL redacted; never the headers. */
export function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  const version = req.headers?.['accept-version'];
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    ...(version !== undefined ? { version } : {}),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
