import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it, with its MIME parts decoded. */
export interface ReceivedMail {
  /** SMTP envelope (MAIL FROM / RCPT TO). */
  readonly envelopeFrom: string;
  readonly envelopeTo: string[];
  readonly raw: string;
  readonly headers: Record<string, string>;
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  readonly text: string | undefined;
  readonly html: string | undefined;
  /** The content types of the leaf parts, in order. */
  readonly partTypes: string[];
}

/** A real SMTP server (smtp-server) on 127.0.0.1, on a free port, collecting what arrives. */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private readonly waiters: {
    predicate: (m: ReceivedMail) => boolean;
    resolve: (m: ReceivedMail) => void;
  }[] = [];
  private server: SMTPServer;
  port = 0;
  /** Set to make the server refuse the next messages (DATA answered 550). */
  refuse = false;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.refuse) {
            callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
            return;
          }
          const mail = parseMail(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            session.envelope.rcptTo.map((r) => r.address),
          );
          this.mails.push(mail);
          for (const w of [...this.waiters]) {
            if (w.predicate(mail)) {
              this.waiters.splice(this.waiters.indexOf(w), 1);
              w.resolve(mail);
            }
          }
          callback();
        });
      },
    });
  }

  async start(): Promise<this> {
    const listening = await new Promise<{ address(): unknown }>((resolve) => {
      const net = this.server.listen(0, '127.0.0.1', () => resolve(net));
    });
    this.port = (listening.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The first mail (already received or still to come) matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs = 5000): Promise<ReceivedMail> {
    const found = this.mails.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (m: ReceivedMail) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching mail within ${timeoutMs} ms (got ${this.mails.length})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---- a small MIME reader (enough for what nodemailer writes) --------------------------------

interface Part {
  headers: Record<string, string>;
  body: string;
}

function splitHeaders(raw: string): Part {
  const at = raw.indexOf('\r\n\r\n');
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? '' : raw.slice(at + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(part: Part): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return part.body;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`). */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function leaves(part: Part): Part[] {
  const type = part.headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) return [part];
  const sections = part.body.split(`--${boundary}`).slice(1);
  return sections
    .filter((s) => !s.startsWith('--'))
    .map((s) => splitHeaders(s.replace(/^\r\n/, '').replace(/\r\n$/, '')))
    .flatMap(leaves);
}

export function parseMail(raw: string, envelopeFrom: string, envelopeTo: string[]): ReceivedMail {
  const root = splitHeaders(raw);
  const parts = leaves(root);
  const ofType = (t: string) => parts.find((p) => (p.headers['content-type'] ?? 'text/plain').startsWith(t));
  const text = ofType('text/plain');
  const html = ofType('text/html');
  return {
    envelopeFrom,
    envelopeTo,
    raw,
    headers: root.headers,
    subject: decodeWords(root.headers.subject ?? ''),
    from: decodeWords(root.headers.from ?? ''),
    to: decodeWords(root.headers.to ?? ''),
    text: text ? decodeBody(text) : undefined,
    html: html ? decodeBody(html) : undefined,
    partTypes: parts.map((p) => (p.headers['content-type'] ?? '').split(';')[0]!),
  };
}
