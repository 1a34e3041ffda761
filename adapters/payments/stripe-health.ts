import type { DependencyHealth, HealthIndicator } from '../../application/health/ports.js';
import { probeHttp } from '../telemetry/http-probe.js';

/** Stripe: the account's balance (GET /v1/balance), the cheapest authenticated read. No SDK needed. */
export class StripeHealth implements HealthIndicator {
  constructor(
    private readonly secretKey: string,
    private readonly apiUrl = 'https://api.stripe.com',
  ) {}

  check(): Promise<DependencyHealth> {
    return probeHttp({ name: 'stripe', role: 'payments' }, `${this.apiUrl}/v1/balance`, {
      authorization: `Bearer ${this.secretKey}`,
    });
  }
}
