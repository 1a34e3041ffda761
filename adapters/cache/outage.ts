import type { AppLogger } from '../../application/shared/ports.js';

/**
 * Logs a Redis-backed component's outage once when it starts and once when it ends, however
 * many requests fail in between (no log storm while Redis is away).
 */
export class OutageLog {
  private down = false;

  constructor(
    private readonly logger: AppLogger,
    private readonly component: string,
    private readonly degradation: string,
  ) {}

  get isDown(): boolean {
    return this.down;
  }

  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(`redis unavailable: ${this.component} ${this.degradation}`, {
      component: this.component,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info(`redis back: ${this.component} recovered`, { component: this.component });
  }
}
