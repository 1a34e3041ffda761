import { writeFile } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
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
    // 8 random hex digits (the start of a v4 UUID, from Node's buffered pool).
    const file = join(this.outboxDir, `${now.getTime()}-${randomUUID().slice(0, 8)}.json`);
    const body: OutboxFile = { from: this.from, date: now.toISOString(), ...message };
    // fs.writeFile with a callback: fs/promises' writeFile opens a FileHandle and chains promises
    // per step, several times the CPU for a small file (a profile of checkout under load).
    await new Promise<void>((resolve, reject) =>
      writeFile(file, `${JSON.stringify(body, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    this.logger.info('mail written to the outbox', { to: message.to, subject: message.subject, file });
  }
}
