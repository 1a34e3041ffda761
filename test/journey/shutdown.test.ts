import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startServer, type ServerProcess } from '../support/process.js';

const CONNECTIONS = 50;

interface Outcome {
  readonly status?: number;
  readonly connection?: string;
  readonly error?: string;
}

function get(agent: Agent, base: string, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode, connection: String(res.headers.connection ?? '') }),
      );
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

function exited(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode !== null) return Promise.resolve(server.child.exitCode);
  return new Promise((resolve) => server.child.once('exit', (code) => resolve(code)));
}

const baseEnv = () => ({
  MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-shutdown-')),
  RATE_LIMIT_ENABLED: 'false',
  BCRYPT_ROUNDS: '4',
  HASH_WORKERS: '0',
  ADMIN_PASSWORD: 'admin-pass-123',
});

describe('graceful shutdown (a real process under keep-alive load)', function () {
  this.timeout(60_000);

  it('SIGTERM during a load run: every request gets an answer, keep-alive clients are told Connection: close', async () => {
    const server = await startServer({
      ...baseEnv(),
      SHUTDOWN_GRACE_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    // One keep-alive connection per client loop (its own agent, one socket), so a new connection
    // opened after the signal shows up as a failure instead of hiding behind a shared pool.
    const agents = Array.from({ length: CONNECTIONS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const outcomes: Outcome[] = [];
    let signalled = false;
    // Request after request until the server says it closes the connection (what a keep-alive
    // client or load balancer does), or something goes wrong.
    const answered = agents.map(() => 0);
    const worker = async (agent: Agent, index: number): Promise<Outcome> => {
      for (;;) {
        const outcome = await get(agent, server.base, '/api/products?limit=5');
        outcomes.push(outcome);
        answered[index] = (answered[index] ?? 0) + 1;
        if (outcome.error || outcome.status !== 200) return outcome;
        if (outcome.connection?.toLowerCase() === 'close') return outcome;
        if (signalled && outcomes.length > 100_000) return { error: 'never told to close' };
      }
    };
    const workers = agents.map((agent, index) => worker(agent, index));
    // Let the load run until every connection is established and has been reused: a connection
    // still in the kernel's accept queue when the listener closes is reset by the OS, whatever
    // the server does (a load balancer has stopped opening new ones by then).
    while (answered.some((n) => n < 2)) await new Promise((r) => setTimeout(r, 20));
    const beforeSignal = outcomes.length;
    server.child.kill('SIGTERM');
    signalled = true;
    const last = await Promise.all(workers);
    const code = await exited(server);
    for (const agent of agents) agent.destroy();

    const failures = outcomes.filter((o) => o.error !== undefined || o.status !== 200);
    expect(failures, JSON.stringify(failures.slice(0, 5))).to.deep.equal([]);
    expect(last.every((o) => o.connection === 'close')).to.equal(true);
    expect(outcomes.length).to.be.greaterThan(beforeSignal);
    expect(code).to.equal(0);
    const messages = server.lines.map((l) => l.msg);
    expect(messages).to.include('shutdown started');
    const done = server.lines.find((l) => l.msg === 'shutdown complete');
    expect(done?.forced).to.equal(false);
    expect(done?.durationMs).to.be.a('number');
  });

  it('a request body that never finishes cannot hold the process past SHUTDOWN_TIMEOUT_MS', async () => {
    const server = await startServer({ ...baseEnv(), SHUTDOWN_GRACE_MS: '200', SHUTDOWN_TIMEOUT_MS: '1500' });
    const port = Number(new URL(server.base).port);
    const socket = connect(port, '127.0.0.1');
    const socketClosed = new Promise<void>((resolve) => {
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Headers complete, body stalled: the request is in progress (the default request timeout is 60 s).
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"e',
    );
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill('SIGTERM');
    const code = await exited(server);
    await socketClosed;
    expect(code).to.equal(1);
    const forcedLine = server.lines.find(
      (l) => l.msg === 'shutdown deadline reached: closing open connections',
    );
    expect(forcedLine?.openConnections).to.equal(1);
    expect(server.lines.find((l) => l.msg === 'shutdown complete')?.forced).to.equal(true);
  });
});
