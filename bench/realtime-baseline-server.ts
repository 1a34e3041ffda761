/**
 * The baselines of `bench/realtime.ts`: a bare server, no framework, no protocol, no
 * authentication, that sends the bytes of each `POST /broadcast` body as one text frame to every
 * connected client (encoded once, like the app's transports). `ws` (default) or uWebSockets.js
 * (`uws` as the second argument): what the wire, the kernel and each library can do on this
 * machine, so the app's transports are read against their own library's ceiling. Run in its own
 * process (`node dist/bench/realtime-baseline-server.js <port> [ws|uws]`), pinned like the server.
 * Prints `listening <port>` once ready.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WebSocket as UwsSocket } from 'uWebSockets.js';

const port = Number(process.argv[2] ?? 0);

if (process.argv[3] === 'uws') await serveWithUws();
else serveWithWs();

async function serveWithUws(): Promise<void> {
  const { default: uWS } = await import('uWebSockets.js');
  const sockets = new Set<UwsSocket<unknown>>();
  const app = uWS.App();
  app.ws('/*', {
    maxBackpressure: 64 * 1024 * 1024,
    idleTimeout: 0,
    open: (ws) => void sockets.add(ws),
    close: (ws) => void sockets.delete(ws),
  });
  app.post('/broadcast', (res) => {
    let aborted = false;
    const chunks: Buffer[] = [];
    res.onAborted(() => (aborted = true));
    res.onData((chunk, isLast) => {
      chunks.push(Buffer.from(chunk.slice(0)));
      if (!isLast) return;
      const bytes = Buffer.concat(chunks);
      for (const ws of sockets) ws.cork(() => ws.send(bytes, false));
      if (!aborted) res.cork(() => res.writeStatus('204 No Content').end());
    });
  });
  app.listen('127.0.0.1', port, (token) => {
    if (!token) {
      console.error(`uws baseline: cannot listen on ${port}`);
      process.exit(1);
    }
    console.log(`listening ${uWS.us_socket_local_port(token)}`);
  });
  process.once('SIGTERM', () => {
    for (const ws of sockets) ws.close();
    process.exit(0);
  });
}

function serveWithWs(): void {
  const clients = new Set<WebSocket>();
  const http = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/broadcast') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      for (const client of clients) client.send(text);
      response.writeHead(204).end();
    });
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    socket.on('error', () => clients.delete(socket));
  });
  http.listen(port, '127.0.0.1', () => {
    const address = http.address();
    console.log(`listening ${typeof address === 'object' && address !== null ? address.port : port}`);
  });
  process.once('SIGTERM', () => {
    for (const client of clients) client.terminate();
    http.close(() => process.exit(0));
  });
}
