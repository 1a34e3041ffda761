import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import specs from '@asyncapi/specs';
import { REALTIME_CONTROL_TYPES, REALTIME_MESSAGE_TYPES } from '../../application/realtime/messages.js';
import { CLOSE } from '../../adapters/realtime/connection.js';
import { REALTIME_PATHS } from '../../adapters/realtime/paths.js';
import { OrderStatusDataSchema, type Agree, type Assert } from '../../adapters/realtime/message-schemas.js';
import type { OrderStatusData } from '../../application/realtime/messages.js';
import { Type } from '@fastify/type-provider-typebox';
import { buildTestApp, type TestApp } from '../support/harness.js';

// ajv-formats is CommonJS with `exports.default` (as in adapters/http/server.ts).
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

interface Ref {
  $ref: string;
}
interface Message {
  name: string;
  payload: { properties?: { type?: { const?: string } }; [key: string]: unknown };
}
interface Doc {
  asyncapi: string;
  info: { description: string; version: string };
  servers: Record<string, { host: string; protocol: string }>;
  channels: Record<string, { address: string; description: string; messages: Record<string, Ref> }>;
  operations: Record<string, { action: 'send' | 'receive'; channel: Ref; messages: Ref[] }>;
  components: { messages: Record<string, Message> };
  'x-close-codes': { code: number; name: string; meaning: string }[];
}

/** Follows a local `#/a/b/c` reference (one level, as the document uses them). */
function resolve(doc: Doc, ref: Ref): unknown {
  return ref.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc);
}
/** `/a/:id` -> `/a/{id}`, the AsyncAPI address form. */
const toAddress = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** The messages (resolved) of the operations of one action on the channel with that address. */
function messagesOf(doc: Doc, address: string, action: 'send' | 'receive'): Message[] {
  const out: Message[] = [];
  for (const op of Object.values(doc.operations)) {
    if (op.action !== action) continue;
    const channel = resolve(doc, op.channel) as Doc['channels'][string];
    if (channel.address !== address) continue;
    for (const ref of op.messages) out.push(resolve(doc, resolve(doc, ref) as Ref) as Message);
  }
  return out;
}
// The compile-time check of message-schemas.ts (schemas vs application/realtime/messages.ts)
// really refuses drift: each @ts-expect-error below fails `npm run typecheck` if it stopped.
const _Dropped = Type.Omit(OrderStatusDataSchema, ['previousStatus']);
const _Extra = Type.Object({ ...OrderStatusDataSchema.properties, extra: Type.Optional(Type.String()) });
const _Loosened = Type.Object({ ...OrderStatusDataSchema.properties, at: Type.Optional(Type.String()) });
export type DriftIsCaught = [
  Assert<Agree<typeof OrderStatusDataSchema, OrderStatusData>>,
  // @ts-expect-error a field missing from the schema
  Assert<Agree<typeof _Dropped, OrderStatusData>>,
  // @ts-expect-error a field the interface does not have (even an optional one)
  Assert<Agree<typeof _Extra, OrderStatusData>>,
  // @ts-expect-error a required field made optional
  Assert<Agree<typeof _Loosened, OrderStatusData>>,
];

let specValidatorCache: ReturnType<Ajv['compile']> | undefined;
/**
 * The official AsyncAPI 3.0.0 schema: it declares JSON Schema draft-07 and bundles everything it
 * references, the draft-07 meta-schema included, so ajv's default (draft-07) class runs it
 * without its own copy of that meta-schema (`meta: false`; two copies of one $id are refused).
 */
function specValidator() {
  if (specValidatorCache) return specValidatorCache;
  const ajv = new Ajv({ allErrors: true, strict: false, meta: false, validateSchema: false });
  addFormats(ajv);
  specValidatorCache = ajv.compile(specs.schemas['3.0.0']);
  return specValidatorCache;
}
const typeOf = (m: Message) => m.payload.properties?.type?.const;

describe('AsyncAPI document (/api/asyncapi.json)', () => {
  let t: TestApp;
  let doc: Doc;
  before(async () => {
    t = await buildTestApp({ REALTIME_MAX_MESSAGE_BYTES: '2048', REALTIME_AUTH_TIMEOUT_MS: '4321' });
    const res = await t.request({ method: 'GET', url: '/api/asyncapi.json' });
    expect(res.statusCode).to.equal(200);
    doc = res.json();
  });
  after(async () => t.close());

  it('validates against the official AsyncAPI 3.0.0 JSON schema (@asyncapi/specs; ajv, JSON Schema draft-07)', () => {
    expect(doc.asyncapi).to.equal('3.0.0');
    const validate = specValidator();
    const valid = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 1)).to.deep.equal([]);
    expect(valid).to.equal(true);
  });

  it('the validation catches a broken document (the check above can fail)', () => {
    const validate = specValidator();
    const broken = structuredClone(doc) as unknown as Record<string, Record<string, Record<string, unknown>>>;
    (broken.operations as Record<string, Record<string, unknown>>)['orderStatus.receive']!.action = 'publish';
    expect(validate(broken)).to.equal(false);
  });

  it('is served under /api/api too, and hidden from the OpenAPI document', async () => {
    const alias = await t.request({ method: 'GET', url: '/api/api/asyncapi.json' });
    expect(alias.statusCode).to.equal(200);
    expect(alias.json()).to.deep.equal(doc);
    const openapi = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).to.not.include('/api/asyncapi.json');
  });

  it('describes every channel path the server routes, and names its /api/api alias', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    const routed = t.app.registeredRoutes
      .filter((r) => r.url.startsWith('/api/realtime/'))
      .map((r) => toAddress(r.url.replace(/\/$/, '')));
    for (const path of [...Object.values(REALTIME_PATHS), ...routed]) {
      expect(addresses, path).to.include(toAddress(path));
      const channel = Object.values(doc.channels).find((c) => c.address === toAddress(path))!;
      expect(channel.description, path).to.include(toAddress(`/api${path}`));
    }
    expect(addresses).to.have.length(Object.keys(REALTIME_PATHS).length);
    const order = Object.values(doc.channels).find((c) => c.address.includes('{orderId}')) as unknown as {
      parameters: Record<string, unknown>;
    };
    expect(order.parameters).to.have.key('orderId');
  });

  it("describes every channel event type on its channel's receive operation, as the {type, id, data} envelope", () => {
    for (const kind of Object.keys(REALTIME_PATHS) as (keyof typeof REALTIME_PATHS)[]) {
      const received = messagesOf(doc, toAddress(REALTIME_PATHS[kind]), 'receive');
      for (const type of REALTIME_MESSAGE_TYPES[kind]) {
        const message = received.find((m) => typeOf(m) === type);
        expect(message, `${kind}: ${type}`).to.not.equal(undefined);
        expect(message!.payload.required).to.deep.equal(['type', 'id', 'data']);
        expect((message!.payload.properties as Record<string, unknown>).data).to.be.an('object');
      }
    }
  });

  it('describes every control message (ready, resync, error, pong on each channel; subscribed on stock)', () => {
    for (const type of REALTIME_CONTROL_TYPES) {
      const on = (Object.keys(REALTIME_PATHS) as (keyof typeof REALTIME_PATHS)[]).filter((kind) =>
        messagesOf(doc, toAddress(REALTIME_PATHS[kind]), 'receive').some((m) => typeOf(m) === type),
      );
      expect(on, type).to.deep.equal(type === 'subscribed' ? ['stock'] : ['order', 'stock', 'cart']);
    }
  });

  it('describes the client messages each channel accepts as send operations', () => {
    const sent = (path: string) => messagesOf(doc, toAddress(path), 'send').map((m) => typeOf(m) ?? m.name);
    expect(sent(REALTIME_PATHS.stock)).to.have.members([
      'auth',
      'resume',
      'subscribe',
      'unsubscribe',
      'ping',
    ]);
    expect(sent(REALTIME_PATHS.order)).to.have.members(['auth', 'resume', 'ping']);
    expect(sent(REALTIME_PATHS.cart)).to.have.members(['auth', 'resume', 'ping']);
  });

  it("a message's payload schema accepts a real message and refuses a wrong one", () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const status = doc.components.messages['order.status']!.payload;
    const check = ajv.compile(status);
    const data = {
      orderId: '65f0a1b2c3d4e5f6a7b8c9d0',
      orderNumber: 'AF-1001',
      status: 'shipped',
      previousStatus: 'processing',
      at: '2026-12-07T10:00:00.000Z',
    };
    expect(check({ type: 'order.status', id: 3, data })).to.equal(true);
    expect(check({ type: 'order.status', id: 3, data: { ...data, status: 'teleported' } })).to.equal(false);
    expect(check({ type: 'order.status', id: 3, data: { ...data, orderNumber: undefined } })).to.equal(false);
  });

  it('lists every close code of the CLOSE table (x-close-codes, the description table, the SSE close event)', () => {
    const codes = Object.values(CLOSE);
    expect(doc['x-close-codes'].map((c) => c.code)).to.have.members(codes);
    for (const code of codes) expect(doc.info.description).to.match(new RegExp(`\\| ${code} \\| \\S`));
    const sseClose = doc.components.messages['sse.close']!.payload as {
      properties: { code: { enum: number[] } };
    };
    expect(sseClose.properties.code.enum).to.have.members(codes);
  });

  it('states auth, resume, heartbeats, SSE and the configured limits', () => {
    const text = doc.info.description;
    for (const needle of [
      'bearer.<token>',
      '?token=',
      'Authorization: Bearer',
      '`auth` message within REALTIME_AUTH_TIMEOUT_MS (4321 ms)',
      'Last-Event-ID',
      '`resume` message',
      'resync',
      'Heartbeats',
      'text/event-stream',
      'event: close',
      'at most 2048 bytes (1009)',
    ])
      expect(text).to.include(needle);
  });

  it('has the API port as ws and SSE servers, and the uWebSockets.js port only when configured', async () => {
    expect(doc.servers.api).to.include({ protocol: 'ws' });
    expect(doc.servers['api-sse']).to.include({ protocol: 'http' });
    expect(doc.servers).to.not.have.property('uws');
    const withUws = await buildTestApp({ REALTIME_UWS_PORT: '9123' });
    try {
      const res = await withUws.request({
        method: 'GET',
        url: '/api/asyncapi.json',
        headers: { host: 'shop.example:8080' },
      });
      const served = res.json() as Doc;
      expect(served.servers.api).to.deep.include({ host: 'shop.example:8080', protocol: 'ws' });
      expect(served.servers.uws).to.deep.include({ host: 'shop.example:9123', protocol: 'ws' });
    } finally {
      await withUws.close();
    }
  });

  it('answers a request without a Host header (HTTP/1.0) with a valid document, not a 500', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const raw = await new Promise<string>((done, fail) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('GET /api/asyncapi.json HTTP/1.0\r\n\r\n'),
      );
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('end', () => done(text));
      socket.on('error', fail);
    });
    expect(raw).to.match(/^HTTP\/1\.[01] 200/);
    const served = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Doc;
    expect(served.servers.api!.host).to.equal('localhost');
    expect(specValidator()(served), JSON.stringify(specValidator().errors?.slice(0, 3))).to.equal(true);
  });

  it('is linked from the docs page (the OpenAPI description Swagger UI renders) and from GET /', async () => {
    const link = '[/api/asyncapi.json](/api/asyncapi.json)';
    const rendered = await t.request({ method: 'GET', url: '/api/docs/json' });
    expect(rendered.statusCode).to.equal(200);
    expect((rendered.json() as { info: { description: string } }).info.description).to.include(link);
    const root = await t.request({ method: 'GET', url: '/' });
    expect(root.json().endpoints).to.include({ asyncapi: '/api/asyncapi.json' });
  });

  it("the README's Realtime section names every channel path and every close code", () => {
    // The project root, whether this runs from test/ or compiled from dist/test/.
    const above = resolvePath(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const root = existsSync(resolvePath(above, 'README.md')) ? above : resolvePath(above, '..');
    const readme = readFileSync(resolvePath(root, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('\n## Realtime\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Realtime\n') + 1),
    );
    expect(section).to.include('/api/asyncapi.json');
    for (const path of Object.values(REALTIME_PATHS)) expect(section).to.include(path);
    for (const code of Object.values(CLOSE))
      expect(section, String(code)).to.match(new RegExp(`\\b${code}\\b`));
  });
});
