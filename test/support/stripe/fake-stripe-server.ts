import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/**
 * A local HTTP server speaking the parts of Stripe's REST API (v1) that the Stripe adapter uses:
 * payment intents (create, retrieve, confirm), refunds, customers (create, list by email),
 * payment methods (list, retrieve, attach) and setup intents. Form bodies in Stripe's bracket notation are
 * decoded, the secret key is checked, every request is recorded for assertions, a repeated
 * `Idempotency-Key` replays the first response (a different body under the same key is Stripe's
 * 400 idempotency_error), and Stripe's test payment-method ids behave as in test mode.
 *
 * Point the official SDK at it with `fake.client()` (host/port/protocol settings).
 */

export interface RecordedStripeRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/v1/payment_intents/pi_123/confirm`. */
  readonly path: string;
  /** The query string decoded with bracket notation (GET requests). */
  readonly query: Record<string, unknown>;
  /** The form body decoded with bracket notation (POST requests). */
  readonly form: Record<string, unknown>;
  /** The form body exactly as sent. */
  readonly rawBody: string;
  readonly headers: IncomingHttpHeaders;
  /** The status the fake answered with. */
  status?: number;
}

/** A forced answer (e.g. a 500) for the next requests while set. */
export interface ForcedFailure {
  readonly status: number;
  readonly error?: Record<string, unknown>;
}

interface TestCard {
  readonly brand: string;
  readonly last4: string;
  /** What confirming an intent with it does. */
  readonly outcome: 'succeed' | 'decline' | 'requires_action';
  readonly declineCode?: string;
  readonly message?: string;
}

/** Stripe's test payment-method ids (https://docs.stripe.com/testing). */
const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { brand: 'visa', last4: '4242', outcome: 'succeed' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', outcome: 'succeed' },
  pm_card_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    outcome: 'decline',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    outcome: 'decline',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', outcome: 'requires_action' },
};

type Json = Record<string, unknown>;

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: Json,
  ) {
    super(String(error.message ?? 'error'));
  }
}

function missing(kind: string, id: string, param?: string): StripeHttpError {
  return new StripeHttpError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    ...(param ? { param } : {}),
  });
}

function invalid(message: string, param?: string, code = 'parameter_invalid'): StripeHttpError {
  return new StripeHttpError(400, {
    type: 'invalid_request_error',
    code,
    message,
    ...(param ? { param } : {}),
  });
}

/**
 * Decodes `a=1&b[c]=2&d[]=x&d[1]=y` into `{a:'1', b:{c:'2'}, d:['x','y']}` (Stripe's encoding:
 * nested objects in brackets, arrays as `[]` or `[index]`).
 */
export function decodeStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  if (!body) return root;
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) throw invalid(`Invalid parameter name: ${key}`);
    const segments = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let container: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const last = i === segments.length - 1;
      const nextIsArray = !last && (segments[i + 1] === '' || /^\d+$/.test(segments[i + 1]!));
      if (Array.isArray(container)) {
        const index = segment === '' ? container.length : Number(segment);
        if (last) container[index] = value;
        else {
          container[index] ??= nextIsArray ? [] : {};
          container = container[index] as Record<string, unknown> | unknown[];
        }
      } else if (last) container[segment] = value;
      else {
        container[segment] ??= nextIsArray ? [] : {};
        container = container[segment] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

interface StoredIntent extends Json {
  id: string;
  amount: number;
  currency: string;
  status: string;
  customer: string | null;
  metadata: Record<string, string>;
}

interface StoredPaymentMethod extends Json {
  id: string;
  customer: string | null;
  card: { brand: string; last4: string; exp_month: number; exp_year: number };
}

export class FakeStripeServer {
  readonly requests: RecordedStripeRequest[] = [];
  /** While set, every request is answered with this status and error (nothing is stored). */
  failWith: ForcedFailure | null = null;
  /** Leave `payment_intent` out of 402 card errors (older API versions / other endpoints did). */
  omitIntentFromCardErrors = false;
  readonly intents = new Map<string, StoredIntent>();
  readonly customers = new Map<string, Json>();
  readonly paymentMethods = new Map<string, StoredPaymentMethod>();
  readonly refunds = new Map<string, Json>();
  readonly setupIntents = new Map<string, Json>();
  /** Which test card each stored payment method was made from. */
  private readonly cardOf = new Map<string, TestCard>();
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: string }>();
  private server: Server | null = null;
  private clock = Math.floor(Date.now() / 1000);

  constructor(readonly secretKey = 'sk_test_fake_amour_51Hx') {}

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The official SDK pointed at this server. */
  client(options: { apiKey?: string } = {}): Stripe {
    return new Stripe(options.apiKey ?? this.secretKey, {
      host: '127.0.0.1',
      port: this.port,
      protocol: 'http',
      maxNetworkRetries: 0,
      telemetry: false,
    });
  }

  /** Forgets the recorded requests and the forced failure (stored objects stay). */
  resetRequests(): void {
    this.requests.length = 0;
    this.failWith = null;
    this.omitIntentFromCardErrors = false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let recorded: RecordedStripeRequest;
    try {
      recorded = {
        method,
        path: url.pathname,
        query: decodeStripeForm(url.search.slice(1)),
        form: decodeStripeForm(rawBody),
        rawBody,
        headers: req.headers,
      };
    } catch (error) {
      const e = error as StripeHttpError;
      this.send(res, e.status ?? 400, { error: e.error });
      return;
    }
    this.requests.push(recorded);

    const answer = (status: number, body: unknown, extraHeaders: Record<string, string> = {}): void => {
      recorded.status = status;
      this.send(res, status, body, extraHeaders);
    };

    if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
      answer(401, {
        error: {
          type: 'invalid_request_error',
          message: `Invalid API Key provided: ${String(req.headers.authorization ?? '').slice(7, 15)}****`,
        },
      });
      return;
    }
    if (this.failWith) {
      answer(this.failWith.status, {
        error: this.failWith.error ?? { type: 'api_error', message: 'An unknown error occurred' },
      });
      return;
    }

    const key = req.headers['idempotency-key'];
    const idempotencyKey = method === 'POST' && typeof key === 'string' ? key : null;
    const fingerprint = `${method} ${url.pathname} ${rawBody}`;
    if (idempotencyKey) {
      const previous = this.idempotency.get(idempotencyKey);
      if (previous) {
        if (previous.fingerprint !== fingerprint) {
          answer(400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          });
        } else {
          recorded.status = previous.status;
          this.sendRaw(res, previous.status, previous.body, { 'Idempotent-Replayed': 'true' });
        }
        return;
      }
    }

    let status = 200;
    let body: unknown;
    try {
      body = this.route(method, url.pathname, method === 'GET' ? recorded.query : recorded.form);
    } catch (error) {
      if (!(error instanceof StripeHttpError)) throw error;
      status = error.status;
      body = { error: error.error };
    }
    // Stripe saves the result of any request that started executing, errors included.
    if (idempotencyKey)
      this.idempotency.set(idempotencyKey, { fingerprint, status, body: JSON.stringify(body) });
    answer(status, body);
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    this.sendRaw(res, status, JSON.stringify(body), headers);
  }

  private sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Request-Id': stripeId('req'),
      'Stripe-Version': Stripe.API_VERSION,
      ...headers,
    });
    res.end(body);
  }

  private route(method: string, path: string, params: Record<string, unknown>): unknown {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v1')
      throw new StripeHttpError(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${path}).`,
      });
    const [, resource, id, action] = parts;
    if (resource === 'payment_intents') {
      if (method === 'POST' && !id) return this.createIntent(params);
      if (method === 'GET' && id && !action) return this.intent(id);
      if (method === 'POST' && id && action === 'confirm') return this.confirmIntent(id, params);
    }
    if (resource === 'refunds' && method === 'POST' && !id) return this.createRefund(params);
    if (resource === 'customers') {
      if (method === 'POST' && !id) return this.createCustomer(params);
      if (method === 'GET' && !id) return this.listCustomers(params);
    }
    if (resource === 'payment_methods') {
      if (method === 'GET' && !id) return this.listPaymentMethods(params);
      if (method === 'GET' && id && !action) return this.resolveMethod(id, null);
      if (method === 'POST' && id && action === 'attach') return this.attachPaymentMethod(id, params);
    }
    if (resource === 'setup_intents' && method === 'POST' && !id) return this.createSetupIntent(params);
    // The health check's cheap authenticated read (adapters/payments/stripe-health.ts).
    if (resource === 'balance' && method === 'GET' && !id) {
      return { object: 'balance', available: [], pending: [], livemode: false };
    }
    throw new StripeHttpError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). The fake Stripe server does not speak it.`,
    });
  }

  private now(): number {
    return (this.clock += 1);
  }

  private intent(id: string): StoredIntent {
    const intent = this.intents.get(id);
    if (!intent) throw missing('payment_intent', id, 'intent');
    return intent;
  }

  private customer(id: string, param: string): Json {
    const customer = this.customers.get(id);
    if (!customer) throw missing('customer', id, param);
    return customer;
  }

  private createIntent(params: Record<string, unknown>): StoredIntent {
    const amount = Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 1)
      throw invalid('Invalid integer: ' + String(params.amount), 'amount');
    const currency = str(params.currency);
    if (!currency || !/^[a-z]{3}$/i.test(currency))
      throw invalid('Invalid currency: ' + String(currency), 'currency');
    const customer = str(params.customer) ?? null;
    if (customer) this.customer(customer, 'customer');
    const metadata = (params.metadata ?? {}) as Record<string, string>;
    const allowed = Array.isArray(params.allowed_payment_method_types)
      ? (params.allowed_payment_method_types as string[])
      : null;
    const id = stripeId('pi');
    const intent: StoredIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods:
        params.automatic_payment_methods && typeof params.automatic_payment_methods === 'object'
          ? { enabled: (params.automatic_payment_methods as Json).enabled === 'true' }
          : null,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      confirmation_method: 'automatic',
      created: this.now(),
      currency: currency.toLowerCase(),
      customer,
      description: str(params.description) ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata,
      next_action: null,
      payment_method: null,
      allowed_payment_method_types: allowed,
      payment_method_types: allowed ?? ['card'],
      status: 'requires_payment_method',
    };
    this.intents.set(id, intent);
    return intent;
  }

  private confirmIntent(id: string, params: Record<string, unknown>): StoredIntent {
    const intent = this.intent(id);
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      throw new StripeHttpError(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `This PaymentIntent's status is ${intent.status}, so it cannot be confirmed.`,
        payment_intent: intent,
      });
    }
    const methodId = str(params.payment_method) ?? str(intent.payment_method);
    if (!methodId) {
      throw invalid(
        "You cannot confirm this PaymentIntent because it's missing a payment method.",
        'payment_method',
        'payment_intent_unexpected_state',
      );
    }
    const method = this.resolveMethod(methodId, intent.customer);
    const card = this.cardOf.get(method.id)!;
    const base = { ...intent, payment_method: method.id, last_payment_error: null, next_action: null };
    if (card.outcome === 'succeed') {
      const updated: StoredIntent = {
        ...base,
        status: 'succeeded',
        amount_received: intent.amount,
        latest_charge: stripeId('ch'),
      };
      this.intents.set(id, updated);
      return updated;
    }
    if (card.outcome === 'requires_action') {
      const updated: StoredIntent = {
        ...base,
        status: 'requires_action',
        next_action: {
          type: 'use_stripe_sdk',
          use_stripe_sdk: {
            type: 'three_d_secure_redirect',
            stripe_js: 'https://hooks.stripe.com/3d_secure_2/hosted',
            source: stripeId('src'),
          },
        },
      };
      this.intents.set(id, updated);
      return updated;
    }
    const charge = stripeId('ch');
    const lastPaymentError = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: card.declineCode,
      charge,
      message: card.message,
      payment_method: method,
    };
    const updated: StoredIntent = {
      ...base,
      status: 'requires_payment_method',
      payment_method: null,
      latest_charge: charge,
      last_payment_error: lastPaymentError,
    };
    this.intents.set(id, updated);
    throw new StripeHttpError(402, {
      type: 'card_error',
      code: 'card_declined',
      decline_code: card.declineCode,
      charge,
      message: card.message,
      doc_url: 'https://stripe.com/docs/error-codes/card-declined',
      ...(this.omitIntentFromCardErrors ? {} : { payment_intent: updated }),
      payment_method: method,
    });
  }

  /** A stored payment method, or a fresh one made from a test id (as test mode does). */
  private resolveMethod(id: string, customer: string | null): StoredPaymentMethod {
    const stored = this.paymentMethods.get(id);
    if (stored) {
      if (stored.customer && customer && stored.customer !== customer) {
        throw invalid(
          `The PaymentMethod ${id} does not belong to the Customer you supplied ${customer}.`,
          'payment_method',
        );
      }
      return stored;
    }
    const card = TEST_CARDS[id];
    if (!card) throw missing('PaymentMethod', id, 'payment_method');
    const method: StoredPaymentMethod = {
      id: stripeId('pm'),
      object: 'payment_method',
      type: 'card',
      created: this.now(),
      customer: null,
      livemode: false,
      metadata: {},
      billing_details: { address: null, email: null, name: null, phone: null },
      card: {
        brand: card.brand,
        last4: card.last4,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
      },
    };
    this.paymentMethods.set(method.id, method);
    this.cardOf.set(method.id, card);
    return method;
  }

  private createRefund(params: Record<string, unknown>): Json {
    const intentId = str(params.payment_intent);
    if (!intentId)
      throw invalid(
        'One of the following params should be provided for this request: payment_intent or charge.',
      );
    const intent = this.intent(intentId);
    if (intent.status !== 'succeeded') {
      throw invalid(
        `PaymentIntent ${intentId} does not have a successful charge to refund.`,
        'payment_intent',
        'charge_not_refundable',
      );
    }
    const refunded = [...this.refunds.values()]
      .filter((r) => r.payment_intent === intentId)
      .reduce((sum, r) => sum + Number(r.amount), 0);
    const remaining = intent.amount - refunded;
    if (remaining <= 0)
      throw invalid(
        `Charge ${String(intent.latest_charge)} has already been refunded.`,
        undefined,
        'charge_already_refunded',
      );
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 1) throw invalid('Invalid positive integer', 'amount');
    if (amount > remaining) {
      throw invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        'amount',
        'amount_too_large',
      );
    }
    const refund: Json = {
      id: stripeId('re'),
      object: 'refund',
      amount,
      charge: intent.latest_charge,
      created: this.now(),
      currency: intent.currency,
      metadata: params.metadata ?? {},
      payment_intent: intentId,
      reason: str(params.reason) ?? null,
      status: 'succeeded',
    };
    this.refunds.set(refund.id as string, refund);
    return refund;
  }

  private createCustomer(params: Record<string, unknown>): Json {
    const customer: Json = {
      id: stripeId('cus'),
      object: 'customer',
      created: this.now(),
      email: str(params.email) ?? null,
      name: str(params.name) ?? null,
      livemode: false,
      metadata: params.metadata ?? {},
    };
    this.customers.set(customer.id as string, customer);
    return customer;
  }

  private listCustomers(params: Record<string, unknown>): Json {
    const email = str(params.email);
    const limit = params.limit === undefined ? 10 : Number(params.limit);
    const all = [...this.customers.values()]
      .reverse()
      .filter((c) => email === undefined || c.email === email);
    return { object: 'list', url: '/v1/customers', has_more: all.length > limit, data: all.slice(0, limit) };
  }

  private listPaymentMethods(params: Record<string, unknown>): Json {
    const customer = str(params.customer);
    if (customer) this.customer(customer, 'customer');
    const type = str(params.type);
    const data = [...this.paymentMethods.values()]
      .reverse()
      .filter((m) => m.customer !== null && (customer === undefined || m.customer === customer))
      .filter((m) => type === undefined || m.type === type);
    return { object: 'list', url: '/v1/payment_methods', has_more: false, data };
  }

  private attachPaymentMethod(id: string, params: Record<string, unknown>): StoredPaymentMethod {
    const customer = str(params.customer);
    if (!customer) throw invalid('Missing required param: customer.', 'customer', 'parameter_missing');
    this.customer(customer, 'customer');
    const method = this.resolveMethod(id, null);
    const card = this.cardOf.get(method.id);
    if (card?.outcome === 'decline') {
      // Attaching runs Stripe's card check: a card that declines charges cannot be saved.
      throw new StripeHttpError(402, {
        type: 'card_error',
        code: 'card_declined',
        decline_code: card.declineCode,
        message: card.message,
        doc_url: 'https://stripe.com/docs/error-codes/card-declined',
      });
    }
    if (method.customer && method.customer !== customer) {
      throw invalid(
        'The payment method you provided has already been attached to a customer.',
        undefined,
        'payment_method_unexpected_state',
      );
    }
    const attached: StoredPaymentMethod = { ...method, customer };
    this.paymentMethods.set(attached.id, attached);
    return attached;
  }

  private createSetupIntent(params: Record<string, unknown>): Json {
    const customer = str(params.customer) ?? null;
    if (customer) this.customer(customer, 'customer');
    const id = stripeId('seti');
    const intent: Json = {
      id,
      object: 'setup_intent',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      created: this.now(),
      customer,
      livemode: false,
      metadata: params.metadata ?? {},
      payment_method: null,
      allowed_payment_method_types: Array.isArray(params.allowed_payment_method_types)
        ? params.allowed_payment_method_types
        : null,
      payment_method_types: Array.isArray(params.allowed_payment_method_types)
        ? params.allowed_payment_method_types
        : ['card'],
      status: 'requires_payment_method',
      usage: str(params.usage) ?? 'off_session',
    };
    this.setupIntents.set(id, intent);
    return intent;
  }
}
