import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A local HTTP server speaking the part of Twilio's REST API the SMS adapter uses: creating a
 * message, `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with a form-encoded body (To,
 * From or MessagingServiceSid, Body). Like Twilio it checks HTTP Basic auth (account SID and auth
 * token; else 401, code 20003), validates the parameters (an invalid `To` is 400 with code 21211,
 * no Body 21602, no sender 21603), answers 201 with the message resource (`sid` SM..., `status`
 * queued) and errors as Twilio's JSON `{code, message, more_info, status}`. Tests can force the
 * next answers (a 429, a 503) with `failNext`. Point the adapter at it with TWILIO_API_URL = `url`.
 */

export interface SentSms {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from?: string;
  readonly messagingServiceSid?: string;
  readonly body: string;
}

export interface RecordedTwilioRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly form: Record<string, string>;
  status?: number;
}

interface ForcedAnswer {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

export class FakeTwilioServer {
  readonly sent: SentSms[] = [];
  readonly requests: RecordedTwilioRequest[] = [];
  private readonly forced: ForcedAnswer[] = [];
  private server: Server | undefined;
  private port = 0;

  constructor(
    readonly accountSid: string = `AC${randomBytes(16).toString('hex')}`,
    readonly authToken: string = randomBytes(16).toString('hex'),
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment that selects the Twilio adapter pointed at this server. */
  env(from = '+15005550006'): Record<string, string> {
    return {
      TWILIO_ACCOUNT_SID: this.accountSid,
      TWILIO_AUTH_TOKEN: this.authToken,
      TWILIO_FROM: from,
      TWILIO_API_URL: this.url,
    };
  }

  /** The next `times` message requests (after auth) answer this error instead. */
  failNext(status: number, code: number, message: string, times = 1): void {
    for (let i = 0; i < times; i++) this.forced.push({ status, code, message });
  }

  reset(): void {
    this.sent.length = 0;
    this.requests.length = 0;
    this.forced.length = 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch(() => {
        if (!res.headersSent) this.error(res, 500, 20500, 'Internal Server Error');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    const form = Object.fromEntries(new URLSearchParams(rawBody));
    const recorded: RecordedTwilioRequest = {
      method: req.method ?? '',
      path,
      contentType: req.headers['content-type'],
      form,
    };
    this.requests.push(recorded);
    const answer = (status: number, body: unknown): void => {
      recorded.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

    // The account resource (the health check's cheap authenticated read).
    const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(path);
    if (account && req.method === 'GET') {
      if (!this.authorized(req.headers.authorization) || account[1] !== this.accountSid) {
        answer(401, twilioError(20003, 'Authenticate', 401));
      } else answer(200, { sid: this.accountSid, status: 'active' });
      return;
    }
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (!match || req.method !== 'POST') {
      answer(404, twilioError(20404, 'The requested resource was not found', 404));
      return;
    }
    if (!this.authorized(req.headers.authorization) || match[1] !== this.accountSid) {
      answer(401, twilioError(20003, 'Authenticate', 401));
      return;
    }
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      answer(400, twilioError(21620, 'Invalid media or content type', 400));
      return;
    }
    const forced = this.forced.shift();
    if (forced) {
      answer(forced.status, twilioError(forced.code, forced.message, forced.status));
      return;
    }
    const to = form['To'] ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to)) {
      answer(400, twilioError(21211, `The 'To' number ${to} is not a valid phone number.`, 400));
      return;
    }
    if (!form['Body']) {
      answer(400, twilioError(21602, 'Message body is required.', 400));
      return;
    }
    if (!form['From'] && !form['MessagingServiceSid']) {
      answer(400, twilioError(21603, "A 'From' or 'MessagingServiceSid' parameter is required.", 400));
      return;
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const sms: SentSms = {
      sid,
      accountSid: this.accountSid,
      to,
      body: form['Body'],
      ...(form['From'] ? { from: form['From'] } : {}),
      ...(form['MessagingServiceSid'] ? { messagingServiceSid: form['MessagingServiceSid'] } : {}),
    };
    this.sent.push(sms);
    const now = new Date().toUTCString();
    answer(201, {
      sid,
      account_sid: this.accountSid,
      to,
      from: form['From'] ?? null,
      messaging_service_sid: form['MessagingServiceSid'] ?? null,
      body: sms.body,
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
      subresource_uris: {},
    });
  }

  private authorized(header: string | undefined): boolean {
    const m = /^Basic (.+)$/.exec(header ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    return decoded === `${this.accountSid}:${this.authToken}`;
  }

  private error(res: ServerResponse, status: number, code: number, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(twilioError(code, message, status)));
  }
}

function twilioError(code: number, message: string, status: number): Record<string, unknown> {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
