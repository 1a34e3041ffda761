import type { DependencyHealth, HealthIndicator } from '../../application/health/ports.js';

/** SMTP: nodemailer's `verify()` (connect, greet, authenticate; no mail sent). */
export class SmtpHealth implements HealthIndicator {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 3000,
  ) {}

  async check(): Promise<DependencyHealth> {
    // Loaded on the first check: the process that binds this (SMTP configured) has it loaded
    // already, and the composition root imports this module whatever the config.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      url: this.url,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
    });
    const started = performance.now();
    const base = { name: 'smtp', role: 'mail' } as const;
    try {
      await transport.verify();
      return { ...base, status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch {
      return {
        ...base,
        status: 'down',
        latencyMs: Math.round(performance.now() - started),
        detail: 'unreachable',
      };
    } finally {
      transport.close();
    }
  }
}
