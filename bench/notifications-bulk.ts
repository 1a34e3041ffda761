/**
 * A bulk send of BENCH_MESSAGES (10,000) mails through BullMQ on the local Redis to the outbox
 * channel: POST /api/notifications/bulk's use case walks the users, stores one notification each
 * and queues a `deliver` job per message; the API process's workers send them to the outbox
 * folder. Reported beside a baseline measured in the same run: the same number of mails written
 * straight to the outbox mailer (same concurrency as the deliver workers), no queue and no
 * records. Reports numbers; asserts nothing.
 *
 *   npm run bench:notifications                       # needs Redis (npm run services)
 *   REDIS_URL=redis://127.0.0.1:6379 BENCH_MESSAGES=2000 npm run bench:notifications
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../bootstrap/config.js';
import { createApplication } from '../bootstrap/app.js';
import { USER_REPOSITORY, type UserRepository } from '../application/identity/ports.js';
import { GetBulkNotification, StartBulkNotification } from '../application/notifications/bulk.js';
import { TEMPLATE_LIBRARY, type TemplateLibrary } from '../application/notifications/ports.js';
import { OutboxMailer } from '../adapters/mail/outbox-mailer.js';
import { createUser } from '../domain/identity/user.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
/** The deliver processor's concurrency (bootstrap/modules/jobs.ts). */
const CONCURRENCY = 10;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const variables = { headline: 'Spring is here', body: 'Tulips, peonies and sweet peas have arrived.' };

async function baseline(templates: TemplateLibrary): Promise<number> {
  const rendered = (await templates.render('newsletter', 'email', variables)).unwrap();
  const mailer = new OutboxMailer(
    mkdtempSync(join(tmpdir(), 'af-bench-direct-')),
    'bench@florals.test',
    quiet,
  );
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        await mailer.send({
          to: `shopper${i}@bench.test`,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html ?? '',
        });
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const outbox = mkdtempSync(join(tmpdir(), 'af-bench-outbox-'));
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
      PII_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      SEED_DEMO: 'false',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6390',
      MAIL_OUTBOX_DIR: outbox,
      NOTIFICATION_RECIPIENT_MAX: '1000000',
    },
    () => '',
  );
  // The start-up admin (if any) is one more recipient: the table reports what was sent.
  const application = await createApplication(config);
  await application.app.ready();
  const container = application.container;
  const users = container.get<UserRepository>(USER_REPOSITORY);
  const at = new Date();
  for (let i = 0; i < MESSAGES; i += 1) {
    const id = `b${String(i).padStart(23, '0')}`;
    (
      await users.create(
        createUser({
          id,
          fullName: `Shopper ${i}`,
          email: `shopper${i}@bench.test`,
          passwordHash: 'x',
          now: at,
        }),
      )
    ).unwrap();
  }
  const templates = container.get<TemplateLibrary>(TEMPLATE_LIBRARY);
  const direct = await baseline(templates);

  const start = container.get(StartBulkNotification);
  const progress = container.get(GetBulkNotification);
  const started = process.hrtime.bigint();
  const bulk = (
    await start.execute({
      segment: { kind: 'preference', preference: 'newsletter' },
      channel: 'email',
      template: 'newsletter',
      variables,
      requestedBy: 'bench',
    })
  ).unwrap();
  const accepted = Number(process.hrtime.bigint() - started) / 1e6;
  let last = (await progress.execute(bulk.id)).unwrap().progress;
  while (last.status !== 'completed') {
    await new Promise((r) => setTimeout(r, 100));
    last = (await progress.execute(bulk.id)).unwrap().progress;
  }
  const queued = Number(process.hrtime.bigint() - started) / 1e9;
  const files = readdirSync(outbox).length;
  await application.close();

  const rate = (n: number, s: number) => Math.round(n / s);
  console.log(`\n${MESSAGES} mails, deliver concurrency ${CONCURRENCY}, Node ${process.version}\n`);
  console.log('| path | messages | seconds | messages/s |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    `| baseline: straight to the outbox mailer | ${MESSAGES} | ${direct.toFixed(2)} | ${rate(MESSAGES, direct)} |`,
  );
  console.log(
    `| bulk send through BullMQ (walk, records, deliver jobs) to the outbox | ${last.completed} | ${queued.toFixed(2)} | ${rate(last.completed, queued)} |`,
  );
  console.log(
    `\nbulk answered in ${accepted.toFixed(0)} ms; ${last.total} recipients, ${last.completed} sent, ${last.failed} failed; ` +
      `${files} outbox files; the queue path runs at ${(rate(last.completed, queued) / rate(MESSAGES, direct)).toFixed(2)}x the baseline`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
