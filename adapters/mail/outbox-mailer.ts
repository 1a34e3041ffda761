import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppLogger } from '../../application/shared/ports.js';
import type { Mailer, MailMessage } from '../../application/shared/mail.js';

/** What an outbox file holds (one JSON document per message). */
export interface OutboxFile extends MailMessage {
  readonly from: string;
  readonly date: string;
}

/**
 * The embedded default mailer: every message becomes `<outboxDir>/<time>-<random>.json` and a log
 * line (recipient and subject only, never the body: it may carry a reset link).
 */
export class OutboxMailer implements Mailer {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly outboxDir: string,
    private readonly from: string,
    private readonly logger: AppLogger,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.ready ??= mkdir(this.outboxDir, { recursive: true }).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    const now = new Date();
    const file = join(this.outboxDir, `${now.getTime()}-${randomBytes(4).toString('hex')}.json`);
    const body: OutboxFile = { from: this.from, date: now.toISOString(), ...message };
    await writeFile(file, `${JSON.stringify(body, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
    this.logger.info('mail written to the outbox', { to: message.to, subject: message.subject, file });
  }
}
