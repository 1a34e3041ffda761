import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { UserRepository } from '../identity/index.js';
import type { AppLogger } from '../shared/ports.js';
import type { PaymentGateway, PaymentSettings, SavedPaymentMethod } from './ports.js';
import { callGateway, checkMethodOwnership, customerOf, paymentsDisabled } from './support.js';

/** GET /payments/methods: the caller's saved methods at the gateway (brand, last4, expiry only). */
export class ListPaymentMethods {
  constructor(
    private readonly users: UserRepository,
    private readonly gateway: PaymentGateway,
    private readonly settings: PaymentSettings,
  ) {}

  async execute(input: { readonly userId: string }): Promise<Result<SavedPaymentMethod[], DomainError>> {
    if (!this.settings.cardPaymentsEnabled) return Err(paymentsDisabled());
    const customer = await customerOf(this.users, this.gateway, input.userId);
    if (customer.isErr()) return customer;
    return callGateway(() => this.gateway.listPaymentMethods(customer.value));
  }
}

/**
 * POST /payments/methods: attaches a gateway payment-method id to the caller's customer. A
 * method already saved to another customer is PAYMENT_METHOD_NOT_FOUND, whatever the gateway.
 */
export class SavePaymentMethod {
  constructor(
    private readonly users: UserRepository,
    private readonly gateway: PaymentGateway,
    private readonly settings: PaymentSettings,
    private readonly logger: AppLogger,
  ) {}

  async execute(input: {
    readonly userId: string;
    readonly paymentMethod: string;
  }): Promise<Result<SavedPaymentMethod, DomainError>> {
    if (!this.settings.cardPaymentsEnabled) return Err(paymentsDisabled());
    const customer = await customerOf(this.users, this.gateway, input.userId);
    if (customer.isErr()) return customer;
    const owned = await checkMethodOwnership(this.gateway, input.paymentMethod, async () => customer);
    if (owned.isErr()) {
      if (owned.error.code === 'PAYMENT_METHOD_NOT_FOUND') {
        this.logger.warn("refused another customer's payment method", { userId: input.userId });
      }
      return owned;
    }
    const saved = await callGateway(() =>
      this.gateway.attachPaymentMethod({
        customerId: customer.value,
        paymentMethod: input.paymentMethod,
        idempotencyKey: `attach:${customer.value}:${input.paymentMethod}`,
      }),
    );
    if (saved.isErr()) {
      this.logger.warn('saving a payment method failed', { details: saved.error.details });
      const gatewayCode =
        saved.error.code === 'PAYMENT_GATEWAY_FAILED' ? saved.error.details?.gatewayCode : undefined;
      return Err(
        domainError(
          'VALIDATION_FAILED',
          'Invalid payment method',
          gatewayCode === undefined ? {} : { gatewayCode },
        ),
      );
    }
    return Ok(saved.value);
  }
}

/** POST /payments/methods/setup-intent: a setup intent for collecting a card for later. */
export class CreateSetupIntent {
  constructor(
    private readonly users: UserRepository,
    private readonly gateway: PaymentGateway,
    private readonly settings: PaymentSettings,
    private readonly ids: { next(): string },
  ) {}

  async execute(input: {
    readonly userId: string;
  }): Promise<Result<{ readonly id: string; readonly clientSecret: string }, DomainError>> {
    if (!this.settings.cardPaymentsEnabled) return Err(paymentsDisabled());
    const customer = await customerOf(this.users, this.gateway, input.userId);
    if (customer.isErr()) return customer;
    return callGateway(() =>
      this.gateway.createSetupIntent({
        customerId: customer.value,
        idempotencyKey: `setup:${this.ids.next()}`,
      }),
    );
  }
}
