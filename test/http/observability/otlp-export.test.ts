import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startServer } from '../../support/process.js';

interface OtlpSpan {
  traceId: string;
  name: string;
  kind: number;
}
interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

/**
 * A spawned server with OTEL_EXPORTER_OTLP_ENDPOINT exports its spans over OTLP/HTTP (JSON) to a
 * local receiver; the spans of a request made just before SIGTERM arrive (flushed on shutdown:
 * the batch processor's own 5 s delay has not passed), and its log lines carry the trace id.
 */
describe('observability: OTLP/HTTP export from a started server', function () {
  this.timeout(60_000);
  let receiver: Server;
  const bodies: OtlpBody[] = [];

  before(async () => {
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          bodies.push(JSON.parse(text) as OtlpBody);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('receives the request spans, named for the service, when the server shuts down', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const server = await startServer({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_SERVICE_NAME: 'amour-florals-otlp-test',
      LOG_LEVEL: 'info',
    });
    let res: Response;
    try {
      res = await fetch(`${server.base}/api/products?limit=1`, { headers: { 'x-request-id': 'otlp-req-1' } });
      expect(res.status).to.equal(200);
    } finally {
      await server.stop();
    }
    const spans = bodies.flatMap((b) =>
      b.resourceSpans.flatMap((r) => {
        const service = r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
        return r.scopeSpans.flatMap((s) =>
          s.spans.map((span) => ({ ...span, scope: s.scope.name, service })),
        );
      }),
    );
    const serverSpan = spans.find((s) => s.scope === '@opentelemetry/instrumentation-http' && s.kind === 2);
    expect(serverSpan, JSON.stringify(spans.map((s) => `${s.scope} ${s.name}`))).to.not.equal(undefined);
    expect(serverSpan!.service).to.equal('amour-florals-otlp-test');
    const inTrace = spans.filter((s) => s.traceId === serverSpan!.traceId).map((s) => s.scope);
    expect(inTrace).to.include('@fastify/otel');
    const requestLines = server.lines.filter((l) => l.reqId === 'otlp-req-1');
    expect(requestLines.length).to.be.greaterThan(0);
    for (const line of requestLines) expect(line.traceId, JSON.stringify(line)).to.equal(serverSpan!.traceId);
  });
});
