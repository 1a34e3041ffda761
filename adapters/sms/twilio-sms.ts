import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';
import type { AppLogger } from '../../application/shared/ports.js';
import { PermanentJobError } from '../../application/shared/job-queue.js';
import type { SmsMessage, SmsReceipt, SmsSender } from '../../application/notifications/channels.js';
import { toE164 } from './phone-number.js';

export interface TwilioSmsOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** An E.164 number, a messaging service id (`MG...`) or an alphanumeric sender id. */
  readonly from: string;
  /** Another API origin than https://api.twilio.com (tests point it at a local fake). */
  readonly apiUrl?: string;
  readonly timeoutMs?: number;
}

/**
 * The SDK's own HTTP client (the `httpClient` option is its supported extension point) sending
 * every request to another origin: the path, auth and form body stay exactly what the SDK built.
 */
class RedirectingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly origin: string,
    options: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(options);
  }

  override request<TData>(opts: BaseRequestClient.RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const origin = new URL(this.origin);
    target.protocol = origin.protocol;
    target.host = origin.host;
    return super.request<TData>({ ...opts, uri: target.href });
  }
}

/**
 * Twilio's error codes (https://www.twilio.com/docs/api/errors) that mean this message can never
 * be delivered as sent: an invalid or unreachable `To`, an opted-out recipient, a body Twilio
 * refuses. Any other 4xx but 401/403/408/429 is also final; those four and 5xx are retried.
 */
const RETRYABLE_STATUSES = new Set([401, 403, 408, 429]);

/**
 * Sends SMS through Twilio's Messages API with the official SDK (selected by TWILIO_ACCOUNT_SID,
 * TWILIO_AUTH_TOKEN and TWILIO_FROM). A number that is not E.164 after normalization, or one
 * Twilio refuses (400, e.g. 21211 invalid `To`), rejects with a PermanentJobError; a rate limit,
 * a Twilio outage or a network failure rejects plainly (the job is retried). Logs the recipient
 * and Twilio's message sid, never the body.
 */
export class TwilioSmsSender implements SmsSender {
  private readonly client: twilio.Twilio;

  constructor(
    private readonly options: TwilioSmsOptions,
    private readonly logger: AppLogger,
  ) {
    const clientOptions = { timeout: options.timeoutMs ?? 15_000, autoRetry: false };
    this.client = twilio(options.accountSid, options.authToken, {
      httpClient: options.apiUrl
        ? new RedirectingRequestClient(options.apiUrl, clientOptions)
        : new twilio.RequestClient(clientOptions),
    });
  }

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const to = toE164(message.to);
    if (!to) throw new PermanentJobError(`not a phone number SMS can reach: ${JSON.stringify(message.to)}`);
    const sender = this.options.from.startsWith('MG')
      ? { messagingServiceSid: this.options.from }
      : { from: this.options.from };
    let sent: { sid: string; status: string };
    try {
      sent = await this.client.messages.create({ to, body: message.body, ...sender });
    } catch (error) {
      throw describe(error);
    }
    this.logger.info('sms sent through Twilio', { to, sid: sent.sid, status: sent.status });
    return { providerId: sent.sid };
  }
}

/** Twilio's answer as one error: permanent for a refused message, plain for a retryable failure. */
function describe(error: unknown): Error {
  if (!(error instanceof twilio.RestException)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const text = `Twilio answered ${error.status}${error.code ? ` (code ${error.code})` : ''}: ${error.message}`;
  const final = error.status >= 400 && error.status < 500 && !RETRYABLE_STATUSES.has(error.status);
  return final ? new PermanentJobError(text) : new Error(text);
}
