import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connectRealtime } from '../../support/realtime-client.js';

/**
 * The process as an operator runs it (bootstrap/main.ts) with REALTIME_UWS_PORT: uWebSockets.js
 * starts once the API listens, its port is logged, and SIGTERM closes its sockets with 1001
 * before the process exits cleanly.
 */
describe('uWebSockets.js in the API process (bootstrap/main)', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts after the API listens, logs its port, and closes its sockets with 1001 on SIGTERM', async function () {
    this.timeout(60_000);
    const ext = import.meta.url.endsWith('.js') ? 'js' : 'ts';
    const root = new URL('../../../', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'af-uws-main-'));
    child = spawn(
      process.execPath,
      [...(ext === 'ts' ? ['--import', 'tsx'] : []), join(root, `bootstrap/main.${ext}`)],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'info',
          PORT: '0',
          HOST: '127.0.0.1',
          REALTIME_UWS_PORT: '0',
          BCRYPT_ROUNDS: '4',
          HASH_WORKERS: '0',
          MAIL_OUTBOX_DIR: join(dir, 'outbox'),
          SMS_OUTBOX_DIR: join(dir, 'sms'),
          UPLOADS_DIR: join(dir, 'uploads'),
          MONGODB_URI: '',
          REDIS_URL: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: Array<{ msg?: string; port?: number; uwsPort?: number }> = [];
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const logged = new Promise<{ apiPort: number; uwsPort: number }>((resolve, reject) => {
      let apiPort: number | undefined;
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        let entry: { msg?: string; port?: number; uwsPort?: number };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return;
        }
        lines.push(entry);
        if (entry.msg?.startsWith('Amour Florals API listening')) apiPort = entry.port;
        if (entry.uwsPort !== undefined) {
          if (apiPort === undefined) reject(new Error('uWebSockets.js started before the API listened'));
          else resolve({ apiPort, uwsPort: entry.uwsPort });
        }
      });
      void exited.then((code) =>
        reject(new Error(`the process exited (${code}) before logging the uWS port`)),
      );
    });
    const { apiPort, uwsPort } = await logged;
    expect(uwsPort).to.be.greaterThan(0).and.not.equal(apiPort);
    expect(lines.some((l) => l.msg === `Realtime channels also served by uWebSockets.js on port ${uwsPort}`))
      .to.be.true;

    const client = await connectRealtime(`ws://127.0.0.1:${uwsPort}/api/realtime/stock-updates?all=true`);
    await client.next('ready');
    child.kill('SIGTERM');
    expect((await client.closed).code).to.equal(1001);
    expect(await exited).to.equal(0);
  });
});
