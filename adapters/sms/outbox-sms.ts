import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppLogger } from '../../application/shared/ports.js';
import type { SmsMessage, SmsReceipt, SmsSender } from '../../application/notifications/channels.js';

/** What an SMS outbox file holds (one JSON document per message). */
export interface SmsOutboxFile extends SmsMessage {
  readonly id: string;
  readonly date: string;
}

/**
 * The embedded default SMS channel: every message becomes `<outboxDir>/<time>-<random>.json` and
 * a log line (recipient, length and file; never the body: it may carry a code or a link). The
 * receipt's `providerId` is the file's id (`sms_<time>-<random>`), so callers can find the file.
 */
export class OutboxSmsSender implements SmsSender {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly outboxDir: string,
    private readonly logger: AppLogger,
  ) {}

  async send(message: SmsMessage): Promise<SmsReceipt> {
    this.ready ??= mkdir(this.outboxDir, { recursive: true }).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    const now = new Date();
    const name = `${now.getTime()}-${randomBytes(4).toString('hex')}`;
    const file = join(this.outboxDir, `${name}.json`);
    const body: SmsOutboxFile = {
      id: `sms_${name}`,
      date: now.toISOString(),
      to: message.to,
      body: message.body,
    };
    await writeFile(file, `${JSON.stringify(body, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
    this.logger.info('sms written to the outbox', { to: message.to, length: message.body.length, file });
    return { providerId: body.id };
  }
}
