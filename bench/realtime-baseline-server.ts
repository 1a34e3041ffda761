/**
 * The baseline of `bench/realtime.ts`: a bare `ws` server, no framework, no protocol, no
 * authentication, that sends the bytes of each `POST /broadcast` body as one text frame to every
 * connected client (serialized once, like the app's transports). What the wire, the kernel and
 * `ws` can do on this machine; run in its own process (`node dist/bench/realtime-baseline-server.js
 * <port>`), pinned like the server. Prints `listening <port>` once ready.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.argv[2] ?? 0);
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
