/**
 * The one rule for a browser's Web Push subscription (the Push API's `PushSubscription.toJSON()`),
 * used where a subscription is accepted (POST /notifications/push/subscriptions) and before one
 * is sent to (adapters/push/web-push.ts): an https endpoint of bounded length, `keys.p256dh` the
 * base64url of an uncompressed P-256 public point (65 bytes, 0x04 || x || y, on the curve) and
 * `keys.auth` the base64url of a 16-byte secret (RFC 8291). Anything else cannot be encrypted for.
 */
export const PUSH_ENDPOINT_MAX_LENGTH = 2048;

export interface PushSubscriptionKeys {
  readonly p256dh: string;
  readonly auth: string;
}

export interface PushSubscriptionProblem {
  readonly field: 'endpoint' | 'keys.p256dh' | 'keys.auth';
  readonly message: string;
}

export const PUSH_ENDPOINT_MESSAGE = `must be an https URL of at most ${PUSH_ENDPOINT_MAX_LENGTH} characters`;
export const P256DH_MESSAGE = 'must be the base64url of an uncompressed P-256 public key (65 bytes)';
export const AUTH_SECRET_MESSAGE = 'must be the base64url of a 16-byte secret';

const HTTPS_URL = /^https:\/\/[^\s/?#\\@]+(?:[/?#][^\s\\]*)?$/i;

/** An absolute https URL with a host (no credentials, no whitespace), at most 2048 characters. */
export function isPushEndpoint(endpoint: string): boolean {
  return endpoint.length <= PUSH_ENDPOINT_MAX_LENGTH && HTTPS_URL.test(endpoint);
}

/**
 * The push services browsers subscribe with (Chrome/Edge/Opera: FCM; Firefox: Mozilla autopush;
 * Safari: Apple; legacy Edge: WNS). The server sends to an endpoint a client gave it, so only
 * these hosts (or their subdomains) are accepted: any other would let a client make the server
 * send requests wherever it likes (SSRF). PUSH_ENDPOINT_HOSTS replaces the list.
 */
export const PUSH_SERVICE_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
];

export const PUSH_SERVICE_MESSAGE = 'must be the endpoint of a known push service';

/** The endpoint's host (lowercased, no port), or undefined when it has none. */
export function pushEndpointHost(endpoint: string): string | undefined {
  const match = /^https:\/\/([^/?#:@\s\\]+|\[[0-9a-f:.]+\])(?::\d+)?(?:[/?#]|$)/i.exec(endpoint);
  return match?.[1]?.toLowerCase();
}

/** Whether the endpoint's host is one of `hosts` or a subdomain of one. */
export function isKnownPushService(endpoint: string, hosts: readonly string[]): boolean {
  const host = pushEndpointHost(endpoint);
  if (host === undefined) return false;
  return hosts.some((h) => {
    const allowed = h.toLowerCase();
    return host === allowed || host.endsWith(`.${allowed}`);
  });
}

/** The base64url of an uncompressed P-256 point that lies on the curve. */
export function isP256PublicKey(value: string): boolean {
  const bytes = base64UrlBytes(value);
  if (bytes?.length !== 65 || bytes[0] !== 0x04) return false;
  const x = bigIntOf(bytes.subarray(1, 33));
  const y = bigIntOf(bytes.subarray(33, 65));
  if (x >= P || y >= P) return false;
  // y² = x³ - 3x + b (mod p)
  return mod(y * y) === mod(mod(mod(x * x) * x) - 3n * x + B);
}

/** The base64url of the 16-byte authentication secret. */
export function isPushAuthSecret(value: string): boolean {
  return base64UrlBytes(value)?.length === 16;
}

/** The first thing wrong with a subscription, naming its field; undefined when usable. */
export function pushSubscriptionProblem(
  subscription: {
    readonly endpoint: string;
    readonly keys: PushSubscriptionKeys;
  },
  serviceHosts: readonly string[],
): PushSubscriptionProblem | undefined {
  if (!isPushEndpoint(subscription.endpoint)) return { field: 'endpoint', message: PUSH_ENDPOINT_MESSAGE };
  if (!isKnownPushService(subscription.endpoint, serviceHosts)) {
    return { field: 'endpoint', message: PUSH_SERVICE_MESSAGE };
  }
  if (!isP256PublicKey(subscription.keys.p256dh)) return { field: 'keys.p256dh', message: P256DH_MESSAGE };
  if (!isPushAuthSecret(subscription.keys.auth)) return { field: 'keys.auth', message: AUTH_SECRET_MESSAGE };
  return undefined;
}

// The curve P-256 (secp256r1): the field prime and the coefficient b (a = -3).
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function mod(n: bigint): bigint {
  const r = n % P;
  return r < 0n ? r + P : r;
}

function bigIntOf(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Decodes base64url (padding optional); undefined when it is not base64url. */
function base64UrlBytes(value: string): Uint8Array | undefined {
  if (value.length > 256 || !/^[A-Za-z0-9_-]+={0,2}$/.test(value)) return undefined;
  const text = value.replace(/=+$/, '');
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let buffer = 0;
  let index = 0;
  for (const char of text) {
    buffer = ((buffer << 6) | ALPHABET.indexOf(char)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}
