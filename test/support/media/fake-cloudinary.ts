import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received: path, form fields and the file part (uploads). */
export interface CloudinaryRequest {
  readonly method: string;
  readonly path: string;
  readonly fields: Record<string, string>;
  readonly file?: { readonly filename: string; readonly bytes: Buffer };
  /** Whether the signature matched what Cloudinary computes (SHA-1 of the sorted params + secret). */
  readonly signatureValid: boolean;
}

/** The parameters Cloudinary leaves out of the signature. */
const UNSIGNED = new Set(['file', 'api_key', 'signature', 'resource_type', 'cloud_name']);

/**
 * Cloudinary's documented request signature: every parameter except file, cloud_name,
 * resource_type and api_key, sorted by name, `name=value` joined with `&` (a value's own `&`
 * escaped as %26), the API secret appended, SHA-1 in hex.
 */
export function cloudinarySignature(fields: Record<string, string>, apiSecret: string): string {
  const toSign = Object.entries(fields)
    .filter(([k, v]) => !UNSIGNED.has(k) && v !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`.replace(/&/g, '%26'))
    .join('&');
  return createHash('sha1')
    .update(toSign + apiSecret)
    .digest('hex');
}

function parseMultipart(
  body: Buffer,
  contentType: string,
): {
  fields: Record<string, string>;
  file?: { filename: string; bytes: Buffer };
} {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  const fields: Record<string, string> = {};
  let file: { filename: string; bytes: Buffer } | undefined;
  if (!boundary) return { fields };
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter, before next
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]+)"/.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (filename !== undefined) file = { filename, bytes: Buffer.from(content) };
    else fields[name] = content.toString('utf8');
    start = next;
  }
  return { fields, ...(file ? { file } : {}) };
}

/**
 * A local HTTP server speaking the parts of Cloudinary's upload API the SDK calls:
 * POST /v1_1/<cloud>/image/upload and POST /v1_1/<cloud>/image/destroy (multipart, signed), and the
 * Admin API's GET /v1_1/<cloud>/ping (HTTP Basic).
 * It checks the api key and the signature like Cloudinary does (401 otherwise).
 */
export class FakeCloudinary {
  readonly requests: CloudinaryRequest[] = [];
  /** public ids uploaded and not destroyed. */
  readonly stored = new Map<string, Buffer>();
  /** What the fake reports as the image's size (Cloudinary measures the image itself). */
  reportedSize = { width: 1600, height: 1200 };
  /** Set to make the next answers a server error. */
  failWith: number | null = null;
  private server: Server;
  port = 0;

  constructor(
    readonly cloudName: string,
    readonly apiKey: string,
    readonly apiSecret: string,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** CLOUDINARY_URL for this fake. */
  get url(): string {
    return `cloudinary://${this.apiKey}:${this.apiSecret}@${this.cloudName}?upload_prefix=${encodeURIComponent(this.origin)}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { fields, file } = parseMultipart(Buffer.concat(chunks), req.headers['content-type'] ?? '');
    const signatureValid =
      fields.api_key === this.apiKey && fields.signature === cloudinarySignature(fields, this.apiSecret);
    const path = req.url ?? '';
    this.requests.push({ method: req.method ?? '', path, fields, ...(file ? { file } : {}), signatureValid });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (this.failWith !== null) return send(this.failWith, { error: { message: 'Internal error' } });
    // The Admin API's ping (the health check): HTTP Basic with the api key and secret.
    if (req.method === 'GET' && path === `/v1_1/${this.cloudName}/ping`) {
      const basic = `Basic ${Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64')}`;
      if (req.headers.authorization !== basic)
        return send(401, { error: { message: 'Invalid credentials' } });
      return send(200, { status: 'ok' });
    }
    if (!signatureValid) return send(401, { error: { message: 'Invalid Signature' } });

    if (req.method === 'POST' && path === `/v1_1/${this.cloudName}/image/upload`) {
      if (!file) return send(400, { error: { message: 'Missing required parameter - file' } });
      const publicId = `${fields.folder ? `${fields.folder}/` : ''}${randomBytes(10).toString('hex')}`;
      this.stored.set(publicId, file.bytes);
      const version = 1_760_000_000;
      const deliver = `res.cloudinary.com/${this.cloudName}/image/upload/v${version}/${publicId}.png`;
      return send(200, {
        asset_id: randomBytes(16).toString('hex'),
        public_id: publicId,
        version,
        signature: 'x',
        width: this.reportedSize.width,
        height: this.reportedSize.height,
        format: 'png',
        resource_type: 'image',
        created_at: new Date().toISOString(),
        bytes: file.bytes.length,
        type: 'upload',
        url: `http://${deliver}`,
        secure_url: `https://${deliver}`,
      });
    }
    if (req.method === 'POST' && path === `/v1_1/${this.cloudName}/image/destroy`) {
      const known = this.stored.delete(fields.public_id ?? '');
      return send(200, { result: known ? 'ok' : 'not found' });
    }
    return send(404, { error: { message: `unknown path ${path}` } });
  }
}
