/**
 * The bench's cheap WebSocket reader: a raw `net` socket that does the client handshake itself
 * and reads the server's (unmasked) frames by hand, so 10,000 subscribers on one core cost the
 * load generator little per message — no `ws` client machinery (event emitters, receivers,
 * UTF-8 validation, buffer copies) and no JSON.parse: the message type is found by a substring
 * search (`typeOfBytes`). It answers pings (masked pongs, as a client must) and close frames,
 * and reports the server's close code like the `ws` client does (1006 when the TCP connection
 * ends without a close frame). It sends nothing else: the bench's subscribers subscribe by URL
 * and authenticate by subprotocol. Not a general WebSocket client: text frames are handed over
 * as raw bytes, extensions are never offered.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const TYPE_PREFIX = Buffer.from('{"type":"');

/**
 * The `type` of a server message `{"type":"...",...}` from its bytes: the server writes `type`
 * first, so a prefix check and a search for the closing quote find it; anything else falls back
 * to JSON.parse.
 */
export function typeOfBytes(payload: Buffer): string {
  const n = TYPE_PREFIX.length;
  if (payload.length > n && payload.compare(TYPE_PREFIX, 0, n, 0, n) === 0) {
    const end = payload.indexOf(0x22, n);
    if (end > 0 && !payload.subarray(n, end).includes(0x5c)) return payload.toString('latin1', n, end);
  }
  return (JSON.parse(payload.toString('utf8')) as { type: string }).type;
}

export interface RawWebSocketHandlers {
  /** The handshake succeeded (101 with the expected Sec-WebSocket-Accept). */
  open(protocol: string | undefined): void;
  /** One whole text (or binary) message; `at` is performance.now() when its last bytes arrived. */
  message(payload: Buffer, at: number): void;
  /** The connection is gone: the server's close code, or 1006 without a close frame. Called once. */
  close(code: number): void;
  /** Handshake failures and socket errors (a `close` follows once the socket is gone). */
  error(error: Error): void;
}

export interface RawWebSocketOptions {
  readonly host: string;
  readonly port: number;
  /** Path and query, e.g. /api/realtime/stock-updates?products=... */
  readonly path: string;
  readonly protocols?: readonly string[];
  readonly localAddress?: string;
}

/** Builds a masked client frame (pong or close) with a small payload (< 126 bytes). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const frame = Buffer.allocUnsafe(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i += 1) frame[6 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

export class RawWebSocket {
  private readonly socket: Socket;
  private readonly key = randomBytes(16).toString('base64');
  private upgraded = false;
  private pending: Buffer | null = null;
  private fragments: Buffer[] | null = null;
  private closeCode: number | null = null;
  private reported = false;

  constructor(
    options: RawWebSocketOptions,
    private readonly on: RawWebSocketHandlers,
  ) {
    const socket = connect({
      host: options.host,
      port: options.port,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      const protocols = options.protocols ?? [];
      socket.write(
        `GET ${options.path} HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Key: ${this.key}\r\n` +
          (protocols.length > 0 ? `Sec-WebSocket-Protocol: ${protocols.join(', ')}\r\n` : '') +
          '\r\n',
      );
    });
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', (error) => this.on.error(error));
    socket.on('close', () => this.report(this.closeCode ?? 1006));
  }

  /** Ends the connection at once (no closing handshake), like `ws`'s terminate(). */
  terminate(): void {
    this.reported = true;
    this.socket.destroy();
  }

  private report(code: number): void {
    if (this.reported) return;
    this.reported = true;
    this.on.close(code);
  }

  private fail(message: string): void {
    this.on.error(new Error(message));
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    let buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    if (!this.upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 16_384) this.fail('handshake response too long');
        else this.pending = buf;
        return;
      }
      const head = buf.toString('latin1', 0, end).split('\r\n');
      if (!/^HTTP\/1\.1 101 /.test(head[0] ?? '')) return this.fail(`unexpected response: ${head[0]}`);
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const accept = createHash('sha1')
        .update(this.key + GUID)
        .digest('base64');
      if (headers.get('sec-websocket-accept') !== accept) return this.fail('bad Sec-WebSocket-Accept');
      this.upgraded = true;
      this.on.open(headers.get('sec-websocket-protocol'));
      buf = buf.subarray(end + 4);
    }
    this.frames(buf);
  }

  /** Reads every whole frame in `buf` and keeps the rest for the next chunk. */
  private frames(buf: Buffer): void {
    let at = 0;
    let now = -1;
    while (buf.length - at >= 2) {
      const b0 = buf[at]!;
      const b1 = buf[at + 1]!;
      if ((b1 & 0x80) !== 0) return this.fail('masked server frame');
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buf.length - at < 4) break;
        length = buf.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (buf.length - at < 10) break;
        length = Number(buf.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (buf.length - at < header + length) break;
      const payload = buf.subarray(at + header, at + header + length);
      at += header + length;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      if (opcode === 0x9) {
        this.socket.write(clientFrame(0xa, payload));
      } else if (opcode === 0x8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.socket.end(clientFrame(0x8, payload.subarray(0, 2)));
        return;
      } else if (opcode === 0xa) {
        // A pong: nothing to do.
      } else if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2) {
        if (!fin || this.fragments !== null) {
          // Fragmented (servers here do not, but the reader must not miscount if one does).
          (this.fragments ??= []).push(Buffer.from(payload));
          if (!fin) continue;
          const whole = Buffer.concat(this.fragments);
          this.fragments = null;
          if (now < 0) now = performance.now();
          this.on.message(whole, now);
        } else {
          if (now < 0) now = performance.now();
          this.on.message(payload, now);
        }
      } else {
        return this.fail(`unknown opcode ${opcode}`);
      }
    }
    if (at < buf.length) this.pending = buf.subarray(at);
  }
}
