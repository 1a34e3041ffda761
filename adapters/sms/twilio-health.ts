import type { DependencyHealth, HealthIndicator } from '../../application/health/ports.js';
import { probeHttp } from '../telemetry/http-probe.js';

/** Twilio (SMS): the account resource (GET /2010-04-01/Accounts/<sid>.json, HTTP Basic). */
export class TwilioHealth implements HealthIndicator {
  constructor(
    private readonly accountSid: string,
    private readonly authToken: string,
    private readonly apiUrl = 'https://api.twilio.com',
  ) {}

  check(): Promise<DependencyHealth> {
    const sid = encodeURIComponent(this.accountSid);
    return probeHttp({ name: 'twilio', role: 'sms' }, `${this.apiUrl}/2010-04-01/Accounts/${sid}.json`, {
      authorization: `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`,
    });
  }
}
