import type { ErrorCode, DomainError } from '../../domain/shared/errors.js';
import type { Principal } from '../../domain/identity/user.js';
import type { AppLogger } from '../../application/shared/ports.js';
import type { ChannelName, RealtimeHub, RealtimeMessage } from '../../application/realtime/ports.js';
import type { ChannelRequest, RealtimeGateway, StockSelection } from '../../application/realtime/gateway.js';
import { token } from '../../application/shared/token.js';
import { Compile } from 'typebox/compile';
import type { TSchema } from '@fastify/type-provider-typebox';
import { CLIENT_MESSAGE_SCHEMAS, ID_PATTERN, MAX_STOCK_IDS, type ClientMessage } from './message-schemas.js';
import {
  CLOSE,
  type ConnectionEvents,
  type RealtimeConnection,
  type RealtimeEndpoint,
  type RealtimeRequest,
  type TransportLimits,
} from './connection.js';

/** The Sec-WebSocket-Protocol of this protocol; a token may be offered beside it as `bearer.<token>`. */
export const REALTIME_SUBPROTOCOL = 'amour.realtime.v1';
const BEARER_PREFIX = 'bearer.';

/** The limits the protocol enforces (Config['realtime'] has them all). */
export interface RealtimeLimits {
  readonly heartbeatMs: number;
  readonly authTimeoutMs: number;
  readonly authRecheckMs: number;
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  readonly maxMessages: number;
  readonly messageWindowMs: number;
}

/** Every realtime setting (Config['realtime']): the protocol's limits, the replay window, the uWS port. */
export interface RealtimeSettings extends RealtimeLimits {
  readonly uwsPort: number | null;
  readonly replayMax: number;
  readonly replayTtlSeconds: number;
}

/** The protocol every realtime transport of this process hands its connections to. */
export const REALTIME_ENDPOINT = token<RealtimeProtocol>('RealtimeEndpoint');
/** Its limits (Config['realtime']). */
export const REALTIME_LIMITS = token<RealtimeLimits>('RealtimeLimits');

/** How long shutdown waits for connections to finish closing before cutting them off. */
export const CLOSE_ALL_GRACE_MS = 1000;

const PATH_PATTERN = /^(?:\/api)?\/api\/realtime\/(?:order-status\/([^/]*)|(stock-updates)|(cart-sync))\/?$/;
const MATCH_PATTERN = /^(?:\/api)?\/api\/realtime\/(?:order-status(?:\/.*)?|stock-updates\/?|cart-sync\/?)$/;

/**
 * The ONE table from a gateway failure to a close code. A code absent here is a bug or broken
 * infrastructure: closed 1011 and logged.
 */
export const CLOSE_FOR_ERROR: Partial<Record<ErrorCode, number>> = {
  NOT_AUTHENTICATED: CLOSE.unauthorized,
  USER_NO_LONGER_EXISTS: CLOSE.unauthorized,
  USER_DEACTIVATED: CLOSE.unauthorized,
  FORBIDDEN: CLOSE.forbidden,
  ADMIN_REQUIRED: CLOSE.forbidden,
  ORDER_NOT_FOUND: CLOSE.notFound,
  NOT_FOUND: CLOSE.notFound,
  VALIDATION_FAILED: CLOSE.badRequest,
};

/** A channel path -> the channel asked for; null when the path is not a well-formed channel path. */
export function parseChannelPath(path: string): ChannelRequest | null {
  const match = PATH_PATTERN.exec(path);
  if (!match) return null;
  if (match[2]) return { kind: 'stock' };
  if (match[3]) return { kind: 'cart' };
  const orderId = match[1] ?? '';
  return ID_PATTERN.test(orderId) ? { kind: 'order', orderId } : null;
}

/** The token a request carries: subprotocol `bearer.<token>`, `?token=`, or `Authorization: Bearer`. */
export function tokenOf(request: RealtimeRequest): string | null {
  const offered = request.protocols.find(
    (p) => p.startsWith(BEARER_PREFIX) && p.length > BEARER_PREFIX.length,
  );
  if (offered) return offered.slice(BEARER_PREFIX.length);
  const query = request.query.get('token');
  if (query) return query;
  const header = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '');
  return header?.[1] ?? null;
}

function parseLastId(value: string | null | undefined): number | null | 'bad' {
  if (value === null || value === undefined || value === '') return null;
  return /^\d{1,15}$/.test(value) ? Number(value) : 'bad';
}

/** A selection from `?products=a,b` / `?all=true`; 'bad' for malformed ids or too many. */
function selectionOf(query: URLSearchParams): Selection | 'bad' {
  if (query.get('all') === 'true') return { all: true, ids: new Set() };
  const raw = query.get('products');
  if (raw === null || raw.trim() === '') return { all: false, ids: new Set() };
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length > MAX_STOCK_IDS || !ids.every((id) => ID_PATTERN.test(id))) return 'bad';
  return { all: false, ids: new Set(ids) };
}

interface Selection {
  all: boolean;
  readonly ids: Set<string>;
}

function gatewaySelection(selection: Selection): StockSelection {
  return selection.all ? { all: true } : { productIds: [...selection.ids] };
}

/** Close reasons are at most 123 bytes. */
/**
 * A message ready for the wire, built once per message and shared by every connection it goes
 * to: its JSON, that JSON's UTF-8 bytes (what WebSocket transports send: no per-connection
 * encoding), and the product id a stock selection filters on (read once, not per connection).
 */
interface Encoded {
  readonly message: RealtimeMessage;
  readonly json: string;
  readonly bytes: Buffer;
  readonly productId: string | undefined;
}

function encode(message: RealtimeMessage): Encoded {
  const json = JSON.stringify(message);
  const productId = (message.data as { productId?: unknown } | null)?.productId;
  return {
    message,
    json,
    bytes: Buffer.from(json, 'utf8'),
    productId: typeof productId === 'string' ? productId : undefined,
  };
}

function reasonOf(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

/** The client messages as the protocol handles them (a resume's id as a number). */
type Parsed =
  | Exclude<ClientMessage, { readonly type: 'resume' }>
  | { readonly type: 'resume'; readonly lastEventId: number };

/** Each client message's schema, compiled once (message-schemas.ts: the AsyncAPI document publishes the same). */
const VALIDATORS = new Map(
  Object.entries(CLIENT_MESSAGE_SCHEMAS).map(([type, schema]) => [type, Compile(schema as TSchema)]),
);

/** A client message, or why it is refused (an `error` message; the connection stays open). */
function parseClientMessage(text: string): Parsed | { error: string; code: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'MALFORMED_MESSAGE', error: 'The message is not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { code: 'MALFORMED_MESSAGE', error: 'The message must be a JSON object with a type' };
  const type = (value as { type?: unknown }).type;
  const validator = typeof type === 'string' ? VALIDATORS.get(type) : undefined;
  if (!validator)
    return { code: 'UNKNOWN_TYPE', error: `Unknown message type: ${String(type).slice(0, 40)}` };
  if (!validator.Check(value)) {
    const first = validator.Errors(value)[0];
    const where = first?.instancePath ? ` at ${first.instancePath}` : '';
    return { code: 'VALIDATION_FAILED', error: `${type}: ${first?.message ?? 'invalid'}${where}` };
  }
  const message = value as ClientMessage;
  return message.type === 'resume' ? { type: 'resume', lastEventId: Number(message.lastEventId) } : message;
}

/** One hub subscription per channel per process, shared by the local connections of that channel. */
interface Feed {
  readonly members: Set<Session>;
  unsubscribe: () => void;
}

type State = 'awaiting-auth' | 'opening' | 'open' | 'closing' | 'closed';

/**
 * The realtime protocol, whatever carries it (adapters/realtime/connection.ts): authentication,
 * authorization, the ready/replay/resync opening, the shared per-channel hub subscriptions,
 * client messages, heartbeats, token rechecks, and the limits (rate, buffer, size).
 */
export class RealtimeProtocol implements RealtimeEndpoint {
  readonly limits: TransportLimits;
  private readonly sessions = new Set<Session>();
  private readonly feeds = new Map<ChannelName, Feed>();
  private shuttingDown = false;

  constructor(
    readonly gateway: RealtimeGateway,
    readonly hub: RealtimeHub,
    readonly settings: RealtimeLimits,
    readonly logger: AppLogger,
  ) {
    this.limits = { maxMessageBytes: settings.maxMessageBytes, maxBufferedBytes: settings.maxBufferedBytes };
  }

  matches(path: string): boolean {
    return MATCH_PATTERN.test(path);
  }

  selectProtocol(offered: readonly string[]): string | undefined {
    if (offered.includes(REALTIME_SUBPROTOCOL)) return REALTIME_SUBPROTOCOL;
    if (offered.length === 1 && offered[0]!.startsWith(BEARER_PREFIX)) return offered[0];
    return undefined;
  }

  open(connection: RealtimeConnection, request: RealtimeRequest): ConnectionEvents {
    const session = new Session(this, connection);
    this.sessions.add(session);
    if (this.shuttingDown) session.closeWith(CLOSE.goingAway, 'server shutting down');
    else session.start(request);
    return {
      message: (text) => session.onMessage(text),
      pong: () => session.onPong(),
      closed: () => session.onClosed(),
    };
  }

  /**
   * Shutdown: every connection closed with 1001; one that has not finished closing after
   * `graceMs` (a peer that stopped reading never answers the close) is cut off, so shutdown
   * never waits on a client.
   */
  async closeAll(graceMs = CLOSE_ALL_GRACE_MS): Promise<void> {
    this.shuttingDown = true;
    const sessions = [...this.sessions];
    for (const session of sessions) session.closeWith(CLOSE.goingAway, 'server shutting down');
    const all = Promise.all(sessions.map((s) => s.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([all, late]);
    clearTimeout(timer);
    for (const session of sessions) session.cutOff();
    await all;
  }

  /** Open connections and the hub subscriptions held for them (leak checks, health). */
  stats(): { connections: number; subscriptions: number; closing: number } {
    let closing = 0;
    for (const s of this.sessions) if (s.isClosing) closing += 1;
    return { connections: this.sessions.size, subscriptions: this.feeds.size, closing };
  }

  /** Open connections of one transport (the realtime_connections gauge). */
  openConnections(transport: RealtimeConnection['transport']): number {
    let open = 0;
    for (const s of this.sessions) if (s.transport === transport) open += 1;
    return open;
  }

  /** @internal */
  join(channel: ChannelName, session: Session): void {
    let feed = this.feeds.get(channel);
    if (!feed) {
      const members = new Set<Session>();
      const created: Feed = { members, unsubscribe: () => undefined };
      this.feeds.set(channel, created);
      created.unsubscribe = this.hub.subscribe(channel, (message) => {
        // Encoded once (JSON, its UTF-8 bytes, the product id a stock selection filters on),
        // the same bytes sent to every local connection of the channel.
        const encoded = encode(message);
        for (const member of members) {
          try {
            member.deliver(encoded);
          } catch (error) {
            // One broken connection never keeps a message from the others (nor fails the publish).
            this.logger.warn('realtime: delivery failed', { error: String(error) });
            member.closeWith(CLOSE.internalError, 'Internal error');
          }
        }
      });
      feed = created;
    }
    feed.members.add(session);
  }

  /** @internal */
  leave(channel: ChannelName, session: Session): void {
    const feed = this.feeds.get(channel);
    if (!feed || !feed.members.delete(session)) return;
    if (feed.members.size === 0) {
      this.feeds.delete(channel);
      feed.unsubscribe();
    }
  }

  /** @internal */
  forget(session: Session): void {
    this.sessions.delete(session);
  }
}

/** One connection's protocol state. */
class Session {
  state: State = 'opening';
  private request: ChannelRequest | null = null;
  private channel: ChannelName | null = null;
  private principal: Principal | null = null;
  private token: string | null = null;
  private selection: Selection = { all: false, ids: new Set() };
  private resumeFrom: number | null = null;
  private lastSent = 0;
  /** Live messages held while a replay or snapshot is being sent (null: not holding). */
  private held: Encoded[] | null = null;
  private heldBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private unanswered = 0;
  private readonly received: number[] = [];
  private resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    private readonly protocol: RealtimeProtocol,
    private readonly connection: RealtimeConnection,
  ) {}

  get isClosing(): boolean {
    return this.state === 'closing';
  }

  get transport(): RealtimeConnection['transport'] {
    return this.connection.transport;
  }

  private get live(): boolean {
    return this.state !== 'closing' && this.state !== 'closed';
  }

  start(request: RealtimeRequest): void {
    const settings = this.protocol.settings;
    this.every(settings.heartbeatMs, () => this.probe());
    const channelRequest = parseChannelPath(request.path);
    if (!channelRequest) return this.closeWith(CLOSE.badRequest, 'Malformed channel path');
    this.request = channelRequest;
    const lastId = parseLastId(request.query.get('lastEventId') ?? request.lastEventId);
    if (lastId === 'bad')
      return this.closeWith(CLOSE.badRequest, 'lastEventId must be a non-negative integer');
    this.resumeFrom = lastId;
    if (channelRequest.kind === 'stock') {
      const selection = selectionOf(request.query);
      if (selection === 'bad')
        return this.closeWith(CLOSE.badRequest, `products must be at most ${MAX_STOCK_IDS} product ids`);
      this.selection = selection;
    }
    const token = tokenOf(request);
    if (token !== null || channelRequest.kind === 'stock') {
      this.enqueue(() => this.authenticateAndOpen(token));
      return;
    }
    this.state = 'awaiting-auth';
    this.after(settings.authTimeoutMs, () => {
      if (this.state === 'awaiting-auth') this.closeWith(CLOSE.unauthorized, 'No token in time');
    });
  }

  onMessage(text: string): void {
    if (!this.live) return;
    const settings = this.protocol.settings;
    if (Buffer.byteLength(text) > settings.maxMessageBytes)
      return this.closeWith(CLOSE.tooBig, 'Message too big');
    const now = Date.now();
    this.received.push(now);
    while (this.received.length > 0 && this.received[0]! <= now - settings.messageWindowMs)
      this.received.shift();
    if (this.received.length > settings.maxMessages)
      return this.closeWith(CLOSE.tooManyMessages, 'Too many messages');
    this.unanswered = 0;
    this.enqueue(() => this.handle(text));
  }

  onPong(): void {
    this.unanswered = 0;
  }

  onClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.release();
    this.protocol.forget(this);
    this.resolveDone();
  }

  /** Closes with a code; a peer that does not finish the close within two heartbeats is cut off. */
  closeWith(code: number, reason: string): void {
    if (!this.live) return;
    this.state = 'closing';
    this.release();
    try {
      this.connection.close(code, reasonOf(reason));
    } catch (error) {
      this.protocol.logger.warn('realtime close failed', { error: String(error) });
    }
    if (this.state === 'closing') {
      const grace = setTimeout(() => {
        if (this.state === 'closing') this.connection.terminate();
      }, 2 * this.protocol.settings.heartbeatMs);
      grace.unref();
      this.timers.push(grace);
    }
  }

  /** Ends the connection at once unless it is already gone. */
  cutOff(): void {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.release();
    this.connection.terminate();
  }

  /** A live message of the channel (already serialized once for every connection). */
  deliver(encoded: Encoded): void {
    if (!this.live) return;
    if (this.held) {
      this.held.push(encoded);
      this.heldBytes += encoded.json.length;
      if (this.heldBytes > this.protocol.settings.maxBufferedBytes)
        this.closeWith(CLOSE.tryAgainLater, 'Slow consumer');
      return;
    }
    const id = encoded.message.id;
    if (id <= this.lastSent) return;
    this.lastSent = id;
    if (this.wants(encoded)) this.write(encoded);
  }

  private wants(encoded: Encoded): boolean {
    if (this.request?.kind !== 'stock' || this.selection.all) return true;
    return encoded.productId !== undefined && this.selection.ids.has(encoded.productId);
  }

  private write(encoded: Encoded): void {
    if (!this.live) return;
    this.connection.send(encoded.message, encoded.json, encoded.bytes);
    if (this.connection.bufferedBytes() > this.protocol.settings.maxBufferedBytes)
      this.closeWith(CLOSE.tryAgainLater, 'Slow consumer');
  }

  private control(type: string, data: unknown): void {
    this.write(encode({ type, id: this.lastSent, data }));
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (!this.live) return;
      try {
        await work();
      } catch (error) {
        this.protocol.logger.error('realtime connection failed', { error: String(error) });
        this.closeWith(CLOSE.internalError, 'Internal error');
      }
    });
  }

  private async handle(text: string): Promise<void> {
    const message = parseClientMessage(text);
    if ('error' in message) return this.control('error', { code: message.code, message: message.error });
    switch (message.type) {
      case 'ping':
        return this.control('pong', {});
      case 'auth':
        if (this.state === 'awaiting-auth') return this.authenticateAndOpen(message.token);
        return this.reauthenticate(message.token);
      case 'resume':
        if (this.state === 'awaiting-auth') {
          this.resumeFrom = message.lastEventId;
          return;
        }
        return this.resume(message.lastEventId);
      case 'subscribe':
      case 'unsubscribe':
        return this.changeSelection(message);
    }
  }

  private fail(error: DomainError): void {
    const code = CLOSE_FOR_ERROR[error.code];
    if (code === undefined) {
      this.protocol.logger.error('realtime: unexpected gateway failure', {
        code: error.code,
        message: error.message,
      });
      return this.closeWith(CLOSE.internalError, 'Internal error');
    }
    this.closeWith(code, error.message);
  }

  private async authenticateAndOpen(token: string | null): Promise<void> {
    this.state = 'opening';
    const gateway = this.protocol.gateway;
    if (token !== null) {
      const authenticated = await gateway.authenticate(token);
      if (!this.live) return;
      if (authenticated.isErr()) return this.fail(authenticated.error);
      this.principal = authenticated.value;
      this.token = token;
      this.every(this.protocol.settings.authRecheckMs, () => void this.recheck());
    }
    const authorized = await gateway.authorize(this.request!, this.principal);
    if (!this.live) return;
    if (authorized.isErr()) return this.fail(authorized.error);
    this.channel = authorized.value;
    this.protocol.join(this.channel, this);
    await this.catchUp(this.resumeFrom, false);
    if (this.state === 'opening') this.state = 'open';
  }

  /**
   * Subscribed already: holds live messages, sends the replay after `from` (or the snapshot), then
   * releases the held messages the client has not had. No gap, no duplicate.
   */
  private async catchUp(from: number | null, afterReady: boolean): Promise<void> {
    const channel = this.channel!;
    this.held = [];
    this.heldBytes = 0;
    try {
      if (from !== null) {
        const replay = await this.protocol.hub.since(channel, from);
        if (!this.live) return;
        if (replay.complete) {
          for (const message of replay.messages) {
            if (!afterReady && message.id <= this.lastSent) continue;
            const encoded = encode(message);
            if (this.wants(encoded)) this.write(encoded);
          }
          this.lastSent = Math.max(this.lastSent, replay.lastId);
          const snapshot = await this.snapshot();
          if (snapshot === undefined) return;
          return this.control('ready', { snapshot, resumed: true });
        }
        const lastId = replay.lastId;
        const snapshot = await this.snapshot();
        if (snapshot === undefined) return;
        this.lastSent = Math.max(this.lastSent, lastId);
        return this.control('resync', { state: snapshot });
      }
      const lastId = await this.protocol.hub.lastId(channel);
      const snapshot = await this.snapshot();
      if (snapshot === undefined) return;
      this.lastSent = Math.max(this.lastSent, lastId);
      this.control('ready', { snapshot, resumed: false });
    } finally {
      const held = this.held ?? [];
      this.held = null;
      this.heldBytes = 0;
      for (const encoded of held) this.deliver(encoded);
    }
  }

  /** The channel's state for this client; undefined when the connection was closed instead. */
  private async snapshot(selection?: Selection): Promise<unknown> {
    const stockSelection = this.request?.kind === 'stock' ? (selection ?? this.selection) : undefined;
    if (stockSelection && !stockSelection.all && stockSelection.ids.size === 0) return { products: [] };
    const result = await this.protocol.gateway.snapshot(
      this.channel!,
      this.principal,
      stockSelection ? gatewaySelection(stockSelection) : undefined,
    );
    if (!this.live) return undefined;
    if (result.isErr()) {
      this.fail(result.error);
      return undefined;
    }
    return result.value;
  }

  private async resume(lastEventId: number): Promise<void> {
    if (!this.channel) return this.control('error', { code: 'NOT_READY', message: 'Not subscribed yet' });
    await this.catchUp(lastEventId, true);
  }

  private async changeSelection(
    message: Extract<Parsed, { type: 'subscribe' | 'unsubscribe' }>,
  ): Promise<void> {
    if (this.request?.kind !== 'stock')
      return this.control('error', {
        code: 'VALIDATION_FAILED',
        message: 'Only the stock channel takes subscriptions',
      });
    if (!this.channel) return this.control('error', { code: 'NOT_READY', message: 'Not subscribed yet' });
    const added: Selection = { all: false, ids: new Set() };
    if (message.type === 'subscribe') {
      if ('all' in message) {
        this.selection.all = true;
        added.all = true;
      } else {
        const ids = message.productIds;
        if (this.selection.ids.size + ids.length > MAX_STOCK_IDS && !this.selection.all)
          return this.control('error', {
            code: 'VALIDATION_FAILED',
            message: `At most ${MAX_STOCK_IDS} product ids; subscribe to all instead`,
          });
        for (const id of ids) {
          if (!this.selection.ids.has(id)) added.ids.add(id);
          this.selection.ids.add(id);
        }
      }
    } else if ('all' in message) {
      this.selection.all = false;
      this.selection.ids.clear();
    } else {
      for (const id of message.productIds) this.selection.ids.delete(id);
    }
    this.held = [];
    this.heldBytes = 0;
    try {
      const snapshot = await this.snapshot(added);
      if (snapshot === undefined) return;
      this.control('subscribed', {
        all: this.selection.all,
        productIds: [...this.selection.ids],
        snapshot,
      });
    } finally {
      const held = this.held ?? [];
      this.held = null;
      for (const encoded of held) this.deliver(encoded);
    }
  }

  private async reauthenticate(token: string): Promise<void> {
    const authenticated = await this.protocol.gateway.authenticate(token);
    if (!this.live) return;
    if (authenticated.isErr()) return this.fail(authenticated.error);
    if (this.principal && authenticated.value.user.id !== this.principal.user.id)
      return this.control('error', { code: 'FORBIDDEN', message: 'A connection cannot change user' });
    if (!this.principal) return; // a public channel: nothing to re-check
    this.principal = authenticated.value;
    this.token = token;
  }

  private async recheck(): Promise<void> {
    if (!this.live || this.token === null) return;
    try {
      const authenticated = await this.protocol.gateway.authenticate(this.token);
      if (authenticated.isErr()) this.closeWith(CLOSE.unauthorized, 'Token no longer valid');
    } catch (error) {
      this.protocol.logger.warn('realtime: token recheck failed', { error: String(error) });
    }
  }

  private probe(): void {
    if (!this.live) return;
    if (this.unanswered >= 2) return this.cutOff();
    this.unanswered += 1;
    this.connection.heartbeat();
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Stops the timers (but a closing one's grace) and leaves the channel's feed. */
  private release(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    this.held = null;
    if (this.channel) this.protocol.leave(this.channel, this);
  }
}
