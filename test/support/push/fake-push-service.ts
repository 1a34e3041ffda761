import { execFileSync } from 'node:child_process';
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PushSubscription } from '../../../application/notifications/channels.js';

/**
 * A local push service (RFC 8030) on HTTPS (a self-signed certificate made with openssl at start;
 * `agent` trusts it) that checks each push request like a real one before accepting it (201):
 *
 * - `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): the JWT is ES256, verified against
 *   `k`; its `aud` is this service's origin, its `exp` in the future and at most 24 h away, its
 *   `sub` a mailto: or https: contact. Otherwise 401/403, as push services answer.
 * - a `TTL` header (an integer), `Content-Encoding: aes128gcm`, a body of at most 4096 bytes.
 * - the body is decrypted (RFC 8291) with the private key of the subscription `subscribe()` made,
 *   so tests read the message that arrived.
 *
 * `setStatus(subscription, 410)` makes one endpoint answer that status (gone, 5xx...).
 */

export interface ReceivedPush {
  readonly endpoint: string;
  readonly ttl: number;
  readonly urgency: string | undefined;
  readonly vapidKey: string;
  readonly jwt: { readonly aud: string; readonly exp: number; readonly sub: string };
  /** The decrypted payload. */
  readonly plaintext: string;
}

export interface PushRejection {
  readonly endpoint: string;
  readonly status: number;
  readonly reason: string;
}

interface Subscriber {
  readonly ecdh: ReturnType<typeof createECDH>;
  readonly auth: Buffer;
}

export class FakePushService {
  readonly received: ReceivedPush[] = [];
  readonly rejected: PushRejection[] = [];
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly statuses = new Map<string, number>();
  private server: Server | undefined;
  private port = 0;
  private ca = '';
  private agentInstance: Agent | undefined;

  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** An HTTPS agent trusting this service's certificate. */
  get agent(): Agent {
    this.agentInstance ??= new Agent({ ca: this.ca });
    return this.agentInstance;
  }

  /** A browser's new subscription on this service (its private key stays here, for decrypting). */
  subscribe(): PushSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const endpoint = `${this.origin}/wpush/v2/${randomBytes(12).toString('base64url')}`;
    this.subscribers.set(endpoint, { ecdh, auth });
    return {
      endpoint,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  setStatus(subscription: PushSubscription, status: number): void {
    this.statuses.set(subscription.endpoint, status);
  }

  async start(): Promise<this> {
    const dir = mkdtempSync(join(tmpdir(), 'af-push-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      this.ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const key = readFileSync(join(dir, 'key.pem'), 'utf8');
      this.server = createServer({ key, cert: this.ca }, (req, res) => {
        void this.handle(req, res).catch((error: unknown) => this.reject(res, '', 500, String(error)));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.agentInstance?.destroy();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private reject(res: ServerResponse, endpoint: string, status: number, reason: string): void {
    this.rejected.push({ endpoint, status, reason });
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(reason);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const endpoint = `${this.origin}${req.url ?? ''}`;
    const subscriber = this.subscribers.get(endpoint);
    if (req.method !== 'POST' || !subscriber) return this.reject(res, endpoint, 404, 'no such subscription');

    const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
    if (!auth) return this.reject(res, endpoint, 401, 'Authorization must be vapid t=..., k=...');
    const jwt = verifyVapidJwt(auth[1]!, auth[2]!);
    if (typeof jwt === 'string') return this.reject(res, endpoint, 403, jwt);
    if (jwt.aud !== this.origin)
      return this.reject(res, endpoint, 403, `aud ${jwt.aud} is not ${this.origin}`);
    const now = Math.floor(Date.now() / 1000);
    if (!(jwt.exp > now && jwt.exp <= now + 24 * 3600)) {
      return this.reject(res, endpoint, 403, 'exp must be in the future, within 24 h');
    }
    if (!/^(mailto:.+@.+|https:\/\/.+)$/.test(jwt.sub)) return this.reject(res, endpoint, 403, 'bad sub');

    const ttl = req.headers['ttl'];
    if (typeof ttl !== 'string' || !/^\d+$/.test(ttl))
      return this.reject(res, endpoint, 400, 'TTL header required');
    if (req.headers['content-encoding'] !== 'aes128gcm') {
      return this.reject(res, endpoint, 415, 'Content-Encoding must be aes128gcm');
    }
    if (body.length > 4096) return this.reject(res, endpoint, 413, 'payload too large');

    const status = this.statuses.get(endpoint);
    if (status !== undefined) return this.reject(res, endpoint, status, `forced ${status}`);

    let plaintext: string;
    try {
      plaintext = decryptAes128gcm(body, subscriber);
    } catch (error) {
      return this.reject(res, endpoint, 400, `cannot decrypt: ${String(error)}`);
    }
    this.received.push({
      endpoint,
      ttl: Number(ttl),
      urgency: req.headers['urgency'] as string | undefined,
      vapidKey: auth[2]!,
      jwt,
      plaintext,
    });
    res.writeHead(201, { location: `${endpoint}/m/${randomBytes(6).toString('hex')}` });
    res.end();
  }
}

/** The JWT's claims when its ES256 signature verifies against the uncompressed P-256 key `k`; else why not. */
function verifyVapidJwt(token: string, k: string): { aud: string; exp: number; sub: string } | string {
  const parts = token.split('.');
  if (parts.length !== 3) return 'the token is not a JWT';
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'ES256') return 'the JWT must be ES256';
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return 'k must be an uncompressed P-256 public key';
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const valid = verify(
    'sha256',
    Buffer.from(`${headerPart}.${claimsPart}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!valid) return 'the JWT signature does not verify against k';
  const claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (
    typeof claims['aud'] !== 'string' ||
    typeof claims['exp'] !== 'number' ||
    typeof claims['sub'] !== 'string'
  ) {
    return 'the JWT needs aud, exp and sub';
  }
  return { aud: claims['aud'], exp: claims['exp'], sub: claims['sub'] };
}

/** RFC 8188 content coding with the RFC 8291 key derivation: one record, as web push sends. */
function decryptAes128gcm(body: Buffer, subscriber: Subscriber): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (record.length > recordSize) throw new Error('more than one record');
  const shared = subscriber.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    subscriber.ecdh.getPublicKey(),
    senderPublic,
  ]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, subscriber.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('the last record must end with the 0x02 delimiter');
  return padded.subarray(0, end).toString('utf8');
}
