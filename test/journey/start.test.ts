import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startServer, type LogLine, type ServerProcess } from '../support/process.js';

/**
 * The README's start command with no configuration at all: a real process, real pino logs, the
 * embedded store seeded with the demo catalog and an admin whose generated password is logged once.
 */
describe('npm start on the embedded default (a real process, no configuration)', () => {
  let server: ServerProcess;
  let lines: LogLine[];
  let base = '';

  before(async function () {
    this.timeout(30_000);
    server = await startServer({ MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'af-start-')) });
    ({ base, lines } = server);
  });

  after(async () => server?.stop());

  it('logs a start-up time and serves the seeded demo shop', async () => {
    const started = lines.find((l) => typeof l.startupMs === 'number');
    expect(started?.startupMs).to.be.a('number');
    const res = await fetch(`${base}/api/api/products/suggested`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { data: { products: unknown[] } };
    expect(body.data.products).to.have.length(8);
    const all = (await (await fetch(`${base}/api/products?limit=100`)).json()) as {
      pagination: { total: number };
    };
    expect(all.pagination.total).to.be.at.least(30);
  });

  it('prints the generated admin password once, and it logs the admin in', async () => {
    // The admin account is created after listening: readiness answers 200 once it exists, and
    // its log line may reach us a little after that answer.
    const seen = () => lines.some((l) => typeof l.generatedPassword === 'string');
    for (let i = 0; (await fetch(`${base}/api/health/ready`)).status !== 200 || !seen(); i += 1) {
      expect(i, 'ready and logged within 10 s').to.be.below(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    // `generatedPassword`: the logger redacts `password` fields (and production never logs it).
    const notices = lines.filter((l) => typeof l.generatedPassword === 'string');
    expect(notices).to.have.length(1);
    const { email, generatedPassword: password } = notices[0] as unknown as {
      email: string;
      generatedPassword: string;
    };
    expect(email).to.equal('admin@amourflorals.local');
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).to.equal(200);
    const { token } = (await login.json()) as { token: string };
    const admin = await fetch(`${base}/api/admin/test`, { headers: { authorization: `Bearer ${token}` } });
    expect(admin.status).to.equal(200);
  });

  it('writes request logs with a request id', async () => {
    await fetch(`${base}/api/health`, { headers: { 'x-request-id': 'start-test-1' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.some((l) => l.reqId === 'start-test-1')).to.equal(true);
  });
});
