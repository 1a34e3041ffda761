import type { DependencyHealth, HealthIndicator } from '../../application/health/ports.js';
import { probeHttp } from '../telemetry/http-probe.js';
import type { CloudinaryCredentials } from './cloudinary-url.js';

/** Cloudinary: the Admin API's ping (GET /v1_1/<cloud>/ping, HTTP Basic with the key and secret). */
export class CloudinaryHealth implements HealthIndicator {
  constructor(private readonly credentials: CloudinaryCredentials) {}

  check(): Promise<DependencyHealth> {
    const c = this.credentials;
    const origin = c.uploadPrefix ?? 'https://api.cloudinary.com';
    return probeHttp({ name: 'cloudinary', role: 'media' }, `${origin}/v1_1/${c.cloudName}/ping`, {
      authorization: `Basic ${Buffer.from(`${c.apiKey}:${c.apiSecret}`).toString('base64')}`,
    });
  }
}
