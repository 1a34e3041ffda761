import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startServer, startWorker, type ServerProcess } from '../support/process.js';
import { describeWith, mongoTestUri, serviceUrl } from '../support/services.js';
import { png } from '../support/media/images.js';
import { ADDRESS } from '../support/kit.js';

const ADMIN = { email: 'admin@fleet.local', password: 'fleet-journey-admin-pass' };
const PASSWORD = 'shopper-pass-123';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(150);
  }
}

/** YYYY-MM-DD `days` from now in the shop's timezone (Asia/Kolkata, the default). */
function shopDate(days: number): string {
  const at = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(at);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Issue 10 over real processes, the way a fleet runs: an API process that only enqueues
 * (QUEUE_WORKERS=false) and `npm run worker` processes that send, on one MongoDB and one Redis
 * (BullMQ). A shopper books a delivery slot and a gift, staff move the order to delivered (a
 * courier with a proof photo), the shopper follows the tracking and earns points, an admin's
 * messages wait while no worker runs and are sent once one starts, and a worker killed with
 * SIGKILL loses nothing: the next one sends what was queued.
 */
describeWith(['mongo', 'redis'], 'journey: a fleet of API and worker processes (issue 10)', function () {
  this.timeout(180_000);
  const mongoUri = mongoTestUri('fleet');
  const mailDir = mkdtempSync(join(tmpdir(), 'af-fleet-mail-'));
  const smsDir = mkdtempSync(join(tmpdir(), 'af-fleet-sms-'));
  const env = {
    MONGODB_URI: mongoUri,
    REDIS_URL: serviceUrl('redis'),
    JWT_SECRET: 'fleet-journey-secret-fleet-journey-secret',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    BCRYPT_ROUNDS: '4',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'info',
    MAIL_OUTBOX_DIR: mailDir,
    SMS_OUTBOX_DIR: smsDir,
    UPLOADS_DIR: mkdtempSync(join(tmpdir(), 'af-fleet-uploads-')),
    QUEUE_BACKOFF_MS: '200',
    NOTIFICATION_BACKOFF_MS: '200',
    QUEUE_STALLED_INTERVAL_MS: '1000',
  };
  let api: ServerProcess;
  const workers: ServerProcess[] = [];
  let firstShopper = '';

  before(async () => {
    api = await startServer({ ...env, QUEUE_WORKERS: 'false' });
  });

  after(async () => {
    await Promise.all([api?.stop(), ...workers.map((w) => w.stop())]);
    const c = await mongoose.createConnection(mongoUri).asPromise();
    await c.dropDatabase();
    await c.close();
  });

  async function call(method: string, path: string, token?: string, body?: unknown) {
    const res = await fetch(`${api.base}/api${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  }

  async function signIn(email: string, password: string): Promise<string> {
    const res = await call('POST', '/auth/login', undefined, { email, password });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.token as string;
  }

  async function register(name: string, phone = ''): Promise<{ token: string; id: string }> {
    const email = `${name.toLowerCase()}-${Date.now()}@fleet.local`;
    const res = await call('POST', '/auth/register', undefined, {
      fullName: name,
      email,
      password: PASSWORD,
      phone,
      birthday: '',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { token: res.body.token as string, id: res.body.data.user._id as string };
  }

  const notification = async (id: string, admin: string) =>
    (await call('GET', `/notifications/${id}`, admin)).body.data.notification as Json;

  const files = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  /** Outbox messages (mail or SMS) whose file mentions `text`. */
  const outboxWith = (dir: string, text: string) =>
    files(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes(text)).length;

  it('checkout with a slot and a gift, delivery by a courier with a proof photo, tracking and points', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const shopper = await register('Asha', '+91 98765 43210');
    firstShopper = shopper.id;
    const courier = await register('Ravi');
    const granted = await call('PUT', `/admin/users/${courier.id}/role`, admin, { role: 'courier' });
    expect(granted.status, JSON.stringify(granted.body)).to.equal(200);
    const courierToken = await signIn(
      (await call('GET', '/auth/me', courier.token)).body.data.user.email as string,
      PASSWORD,
    );

    const date = shopDate(2);
    const slots = await call('GET', `/delivery/slots?date=${date}&city=Pune`);
    expect(slots.status, JSON.stringify(slots.body)).to.equal(200);
    const slot = (slots.body.data.slots as Json[]).find((s) => s.open === true);
    expect(slot, 'an open slot').to.not.equal(undefined);

    const products = await call('GET', '/products?limit=1');
    const productId = products.body.data.products[0]._id as string;
    const gift = { recipientName: 'Meera', message: 'Happy birthday!', anonymous: true };
    const placed = await call('POST', '/orders', shopper.token, {
      items: [{ product: productId, quantity: 1 }],
      shippingAddress: ADDRESS,
      deliveryDate: date,
      deliverySlot: slot!.id,
      gift,
    });
    expect(placed.status, JSON.stringify(placed.body)).to.equal(201);
    const order = placed.body.data.order as Json;
    expect(order).to.deep.include({ deliveryDate: date, deliverySlot: slot!.id, gift });
    const after = await call('GET', `/delivery/slots?date=${date}&city=Pune`);
    const same = (after.body.data.slots as Json[]).find((s) => s.id === slot!.id)!;
    expect(same.remaining).to.equal(slot!.remaining - 1);

    for (const status of ['confirmed', 'processing', 'shipped']) {
      const moved = await call('PUT', `/orders/${order._id}/status`, admin, { status });
      expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    }
    const out = await call('PUT', `/orders/${order._id}/delivery`, courierToken, {
      action: 'out-for-delivery',
    });
    expect(out.status, JSON.stringify(out.body)).to.equal(200);

    const form = new FormData();
    form.append('file', new Blob([png(4, 3)], { type: 'image/png' }), 'door.png');
    const proofRes = await fetch(`${api.base}/api/orders/${order._id}/delivery/proof`, {
      method: 'POST',
      headers: { authorization: `Bearer ${courierToken}` },
      body: form,
    });
    const proof = (await proofRes.json()) as Json;
    expect(proofRes.status, JSON.stringify(proof)).to.equal(201);
    // PUBLIC_URL names port 0 here (PORT=0): fetch the stored path from the process itself.
    const photo = await fetch(`${api.base}${new URL(proof.data.url as string).pathname}`);
    expect(photo.status).to.equal(200);

    const delivered = await call('PUT', `/orders/${order._id}/delivery`, courierToken, {
      action: 'delivered',
      recipientName: 'Meera',
      proofPhotoUrl: proof.data.url,
    });
    expect(delivered.status, JSON.stringify(delivered.body)).to.equal(200);

    const tracking = await call('GET', `/orders/${order._id}/tracking`, shopper.token);
    expect(tracking.status, JSON.stringify(tracking.body)).to.equal(200);
    const tr = tracking.body.data.tracking as Json;
    expect(tr.deliveryState).to.equal('delivered');
    expect((tr.timeline as Json[]).map((e) => e.status ?? e.action)).to.include.members([
      'out-for-delivery',
      'delivered',
    ]);
    // Points are earned by an event handler of the API process (not a queued job).
    const points = await until(async () => {
      const me = (await call('GET', '/auth/me', shopper.token)).body.data.user as Json;
      return (me.loyaltyPoints as number) > 0 ? (me.loyaltyPoints as number) : undefined;
    }, 'loyalty points after delivery');
    expect(points).to.equal(Math.floor(order.total as number));
  });

  it('messages wait while no worker runs; a worker sends them; one killed with SIGKILL loses nothing', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const shopper = await register('Kavya', '+91 90000 22222');
    // SMS is off by default (preferences): the shopper turns it on.
    const prefs = await call('PUT', '/auth/preferences', shopper.token, { smsNotifications: true });
    expect(prefs.status, JSON.stringify(prefs.body)).to.equal(200);

    const mail = await call('POST', '/notifications/email', admin, {
      to: shopper.id,
      subject: 'Your roses',
      body: 'They are on their way.',
    });
    expect(mail.status, JSON.stringify(mail.body)).to.equal(202);
    const mailId = mail.body.data.notification._id as string;
    await sleep(1500);
    // The API process only enqueues: with no worker, nothing is sent.
    expect((await notification(mailId, admin)).status).to.equal('pending');

    const first = await startWorker(env);
    workers.push(first);
    const sent = await until(async () => {
      const n = await notification(mailId, admin);
      return n.status === 'sent' ? n : undefined;
    }, 'the mail sent by the worker');
    expect(sent.sentAt).to.be.a('string');
    expect(outboxWith(mailDir, 'They are on their way.')).to.equal(1);

    // A worker killed outright: what is queued meanwhile is sent by the next one, once.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const sms = await call('POST', '/notifications/sms', admin, {
      to: shopper.id,
      body: 'Out for delivery, Kavya',
    });
    expect(sms.status, JSON.stringify(sms.body)).to.equal(202);
    const smsId = sms.body.data.notification._id as string;
    await sleep(1000);
    expect((await notification(smsId, admin)).status).to.equal('pending');

    const second = await startWorker(env);
    workers.push(second);
    await until(
      async () => ((await notification(smsId, admin)).status === 'sent' ? true : undefined),
      'the SMS',
    );
    await sleep(1000);
    expect(outboxWith(smsDir, 'Out for delivery, Kavya')).to.equal(1);
    expect(outboxWith(mailDir, 'They are on their way.')).to.equal(1);

    const history = await call('GET', `/notifications/history?userId=${shopper.id}`, admin);
    expect(history.status).to.equal(200);
    const mine = (history.body.data.notifications as Json[]).filter((n) => [mailId, smsId].includes(n._id));
    expect(mine.map((n) => n.status)).to.deep.equal(['sent', 'sent']);

    // The first test's events (welcome, order placed, status changes, delivery updates) were
    // queued by the API process while no worker ran; the workers sent each exactly once.
    const events = await until(async () => {
      const res = await call('GET', `/notifications/history?userId=${firstShopper}&limit=100`, admin);
      const list = res.body.data.notifications as Json[];
      return list.length > 0 && list.every((n) => n.status !== 'pending') ? list : undefined;
    }, "the first shopper's event messages");
    const emails = events.filter((n) => n.type === 'email');
    const count = (template: string) => emails.filter((n) => n.template === template).length;
    expect(count('welcome')).to.equal(1);
    expect(count('order-placed')).to.equal(1);
    expect(count('delivery-update')).to.equal(2); // out for delivery, delivered
    expect(count('order-status')).to.be.greaterThan(0);
    expect(emails.every((n) => n.status === 'sent')).to.equal(true);
  });
});

/**
 * Without Redis the queue lives in the process: a message whose process dies before it is sent
 * is resumed from the store (MongoDB) by the next process. The first process's SMTP server
 * accepts connections and never answers, so the message is still pending when it is killed.
 */
describeWith(
  ['mongo'],
  'journey: in-process queue on MongoDB, a process killed before sending (issue 10)',
  function () {
    this.timeout(120_000);
    const mongoUri = mongoTestUri('resume');
    const mailDir = mkdtempSync(join(tmpdir(), 'af-resume-mail-'));
    const sockets = new Set<Socket>();
    let silentSmtp: Server;
    let smtpPort = 0;
    const env = {
      MONGODB_URI: mongoUri,
      JWT_SECRET: 'resume-journey-secret-resume-journey-secret',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'info',
      SEED_DEMO: 'false',
      MAIL_OUTBOX_DIR: mailDir,
      NOTIFICATION_RESUME_AFTER_MS: '1000',
      NOTIFICATION_RESUME_INTERVAL_MS: '300',
    };
    const processes: ServerProcess[] = [];

    before(async () => {
      silentSmtp = createServer((socket) => {
        sockets.add(socket); // accepted, never greeted: the send hangs
        socket.once('close', () => sockets.delete(socket));
      });
      await new Promise<void>((r) => silentSmtp.listen(0, '127.0.0.1', r));
      smtpPort = (silentSmtp.address() as { port: number }).port;
    });

    after(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silentSmtp.close(r));
      const c = await mongoose.createConnection(mongoUri).asPromise();
      await c.dropDatabase();
      await c.close();
    });

    it('the next process sends what the killed one had queued, once', async () => {
      const first = await startServer({ ...env, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
      processes.push(first);
      const call = async (base: string, method: string, path: string, token?: string, body?: unknown) => {
        const res = await fetch(`${base}/api${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        return { status: res.status, body: (await res.json()) as Json };
      };
      const login = await call(first.base, 'POST', '/auth/login', undefined, ADMIN);
      const admin = login.body.token as string;
      const sent = await call(first.base, 'POST', '/notifications/email', admin, {
        email: 'someone@example.com',
        subject: 'Resumed',
        body: 'Sent by the next process.',
      });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
      const id = sent.body.data.notification._id as string;
      await until(async () => (sockets.size > 0 ? true : undefined), 'the first process connecting to SMTP');
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      expect(readdirSync(mailDir)).to.deep.equal([]);

      const second = await startServer(env); // the outbox mailer this time
      processes.push(second);
      const admin2 = (await call(second.base, 'POST', '/auth/login', undefined, ADMIN)).body.token as string;
      const done = await until(async () => {
        const n = (await call(second.base, 'GET', `/notifications/${id}`, admin2)).body.data
          .notification as Json;
        return n.status === 'sent' ? n : undefined;
      }, 'the resumed mail');
      expect(done.subject).to.equal('Resumed');
      await sleep(1000); // a second resume round must not send it again
      expect(readdirSync(mailDir)).to.have.length(1);
    });
  },
);
