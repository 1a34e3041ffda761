import { WebSocket } from 'ws';
import type { RealtimeMessage } from '../../application/realtime/ports.js';

/**
 * A realtime test client over a real socket: WebSocket (the `ws` package) or Server-Sent Events
 * (fetch and a small event-stream parser). Both keep every message received (`messages`), hand
 * them out in order (`next`), and tell how the connection ended (`closed`).
 */

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface RealtimeClient {
  readonly kind: 'websocket' | 'sse';
  /** Every message received, in order. */
  readonly messages: RealtimeMessage[];
  /** How the connection ended: the close frame (WebSocket), the `close` event (SSE), else 1006. */
  readonly closed: Promise<Closed>;
  /** Whether the connection has ended (set when `closed` resolves). */
  readonly isClosed: boolean;
  /** Bytes of messages received so far. */
  readonly bytesReceived: number;
  /**
   * The next message not handed out yet (of `type` when given: earlier ones of other types are
   * skipped). Rejects when the connection ends first or after `timeoutMs`.
   */
  next(type?: string, timeoutMs?: number): Promise<RealtimeMessage>;
  /** Sends a client message (WebSocket only): a value is sent as JSON, a string as is, a Buffer as binary. */
  send(message: unknown): void;
  /** Stops reading from the socket (a slow consumer) / starts again. */
  pause(): void;
  resume(): void;
  close(): void;
}

export interface WsClientOptions {
  readonly protocols?: readonly string[];
  readonly headers?: Record<string, string>;
  /** false: never answers the server's pings (a dead peer). Default true. */
  readonly autoPong?: boolean;
}

export interface SseClientOptions {
  readonly headers?: Record<string, string>;
  readonly lastEventId?: string;
}

/** The client kind from the URL: ws:// -> WebSocket, http:// -> SSE. */
export async function connectRealtime(
  url: string,
  options: WsClientOptions & SseClientOptions = {},
): Promise<RealtimeClient> {
  return url.startsWith('ws') ? openWebSocket(url, options) : openEventStream(url, options);
}

class Inbox {
  readonly messages: RealtimeMessage[] = [];
  bytesReceived = 0;
  isClosed = false;
  private cursor = 0;
  private waiters: (() => void)[] = [];
  private closedWith: Closed | null = null;
  private resolveClosed!: (closed: Closed) => void;
  readonly closed = new Promise<Closed>((resolve) => (this.resolveClosed = resolve));

  push(text: string): void {
    this.bytesReceived += Buffer.byteLength(text);
    this.messages.push(JSON.parse(text) as RealtimeMessage);
    this.wake();
  }

  end(closed: Closed): void {
    if (this.closedWith) return;
    this.closedWith = closed;
    this.isClosed = true;
    this.resolveClosed(closed);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  async next(type?: string, timeoutMs = 3000): Promise<RealtimeMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this.cursor; i < this.messages.length; i += 1) {
        const message = this.messages[i]!;
        if (type === undefined || message.type === type) {
          this.cursor = i + 1;
          return message;
        }
      }
      if (this.closedWith)
        throw new Error(
          `closed (${this.closedWith.code} ${this.closedWith.reason}) before a ${type ?? 'message'}; got ${this.describe()}`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${type ?? 'message'} within ${timeoutMs} ms; got ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private describe(): string {
    return JSON.stringify(this.messages.map((m) => `${m.type}#${m.id}`));
  }
}

export function openWebSocket(
  url: string,
  options: WsClientOptions = {},
): Promise<RealtimeClient & { socket: WebSocket }> {
  const inbox = new Inbox();
  const socket = new WebSocket(url, [...(options.protocols ?? [])], {
    headers: options.headers ?? {},
    autoPong: options.autoPong ?? true,
    maxPayload: 256 * 1024 * 1024,
  });
  socket.on('message', (data, isBinary) => {
    if (!isBinary) inbox.push(Array.isArray(data) ? Buffer.concat(data).toString() : data.toString());
  });
  socket.on('close', (code, reason) => inbox.end({ code, reason: reason.toString() }));
  socket.on('error', () => undefined);
  const client = {
    kind: 'websocket' as const,
    socket,
    messages: inbox.messages,
    closed: inbox.closed,
    get isClosed() {
      return inbox.isClosed;
    },
    get bytesReceived() {
      return inbox.bytesReceived;
    },
    next: (type?: string, timeoutMs?: number) => inbox.next(type, timeoutMs),
    send: (message: unknown) => {
      if (Buffer.isBuffer(message)) socket.send(message, { binary: true });
      else socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`unexpected response ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
}

/** Parses an event stream as it arrives; `onEvent` gets each dispatched event. */
export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  lastEventId = '';
  retry: number | null = null;
  comments = 0;

  constructor(private readonly onEvent: (event: string, data: string, id: string) => void) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onEvent(this.event || 'message', this.data.join('\n'), this.lastEventId);
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) {
      this.comments += 1;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

export async function openEventStream(
  url: string,
  options: SseClientOptions = {},
): Promise<RealtimeClient & { parser: EventStreamParser; response: Response }> {
  const inbox = new Inbox();
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: {
      accept: 'text/event-stream',
      ...(options.lastEventId !== undefined ? { 'last-event-id': options.lastEventId } : {}),
      ...options.headers,
    },
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`unexpected response ${response.status}`);
  const parser = new EventStreamParser((event, data) => {
    if (event === 'close') {
      const closed = JSON.parse(data) as Closed;
      inbox.end({ code: closed.code, reason: closed.reason });
    } else inbox.push(data);
  });
  const gate: { paused: { promise: Promise<void>; resume: () => void } | null } = { paused: null };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        if (gate.paused) await gate.paused.promise;
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      inbox.end({ code: 1006, reason: 'stream ended without a close event' });
    } catch {
      inbox.end({ code: 1006, reason: 'stream broken' });
    }
  })();
  return {
    kind: 'sse',
    parser,
    response,
    messages: inbox.messages,
    closed: inbox.closed,
    get isClosed() {
      return inbox.isClosed;
    },
    get bytesReceived() {
      return inbox.bytesReceived;
    },
    next: (type?: string, timeoutMs?: number) => inbox.next(type, timeoutMs),
    send: () => {
      throw new Error('an SSE client cannot send messages');
    },
    pause: () => {
      if (gate.paused) return;
      let resume!: () => void;
      const promise = new Promise<void>((r) => (resume = r));
      gate.paused = { promise, resume };
    },
    resume: () => {
      const was = gate.paused;
      gate.paused = null;
      was?.resume();
    },
    close: () => controller.abort(),
  };
}
