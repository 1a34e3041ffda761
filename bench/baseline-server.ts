/**
 * The baselines of `npm run bench` (bench/run.ts), in their own process (started by it, not run by
 * hand): a bare Fastify answering GET /hello with `{"hello":"world"}` (the hello-world), and
 * GET /bytes/<key> sending bytes captured from one of the app's answers, pre-serialized, with the
 * captured content type (what the wire and Fastify cost for the same payload: the best a route of
 * the app could do), and optionally the app's answer headers too (what the same bytes cost with
 * the ~20 headers every answer of the app carries). The bench stores them with PUT /bytes/<key>
 * before measuring.
 *
 * Listens on 127.0.0.1:PORT (0: any) and prints one line `{"port":N}` once listening.
 */
import Fastify from 'fastify';

interface Stored {
  readonly body: Buffer;
  readonly contentType: string;
  /** Headers sent with the bytes (PUT with X-Replay-Headers: a JSON object), e.g. the app's own. */
  readonly headers: Record<string, string>;
}

const REPLAY = 'x-replay-headers';

async function main(): Promise<void> {
  const stored = new Map<string, Stored>();
  const app = Fastify({ logger: false });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/hello', async () => ({ hello: 'world' }));
  app.put<{ Params: { key: string }; Body: Buffer }>('/bytes/:key', async (request, reply) => {
    const replay = request.headers[REPLAY];
    stored.set(request.params.key, {
      body: request.body,
      contentType: request.headers['content-type'] ?? 'application/json; charset=utf-8',
      headers: typeof replay === 'string' ? (JSON.parse(replay) as Record<string, string>) : {},
    });
    return reply.code(204).send();
  });
  app.get<{ Params: { key: string } }>('/bytes/:key', (request, reply) => {
    const entry = stored.get(request.params.key);
    if (entry === undefined) return reply.code(404).send();
    return reply.headers(entry.headers).header('content-type', entry.contentType).send(entry.body);
  });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(JSON.stringify({ port }));
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
