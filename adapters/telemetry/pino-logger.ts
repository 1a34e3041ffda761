import type { Logger } from 'pino';
import type { AppLogger } from '../../application/shared/ports.js';

export class PinoAppLogger implements AppLogger {
  constructor(private readonly logger: Logger) {}

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.logger.info(fields, message);
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.logger.warn(fields, message);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.logger.error(fields, message);
  }
}
