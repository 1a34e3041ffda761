import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isOwnedBy, type Order } from '../../domain/ordering/order.js';
import { isPaid, type PaymentChange } from '../../domain/ordering/order-payment.js';
import type { PaymentRecord } from '../../domain/payments/payment-record.js';
import { changeOrder as changeOrderWithEvents, type OrderRepository } from '../ordering/index.js';
import type { UserRepository } from '../identity/index.js';
import type { EventBus } from '../shared/ports.js';
import { retryOnConflict, UNCHANGED } from '../shared/retry-on-conflict.js';
import type { PaymentGateway, PaymentRepository } from './ports.js';

/** Optimistic saves lost to a concurrent writer are retried on a fresh read this many times. */
export const PAYMENT_SAVE_ATTEMPTS = 8;

export const orderNotFound = (): DomainError => domainError('ORDER_NOT_FOUND', 'Order not found');
export const paymentNotFound = (): DomainError => domainError('PAYMENT_NOT_FOUND', 'Payment not found');
/**
 * The caller's order, when it can still be paid: another user's order is not found (never a
 * 403, which logs the storefront out), a paid one ORDER_ALREADY_PAID, a cancelled one CONFLICT.
 */
export async function findPayableOrder(
  orders: OrderRepository,
  orderId: string,
  userId: string,
): Promise<Result<Order, DomainError>> {
  const order = await orders.findById(orderId);
  if (!order || !isOwnedBy(order, userId)) return Err(orderNotFound());
  if (isPaid(order)) return Err(domainError('ORDER_ALREADY_PAID', 'Order is already paid'));
  if (order.status === 'cancelled') return Err(domainError('CONFLICT', 'Cannot pay for a cancelled order'));
  return Ok(order);
}

/** The gateway customer of one of our users (created at the gateway on first use). */
export async function customerOf(
  users: UserRepository,
  gateway: PaymentGateway,
  userId: string,
): Promise<Result<string, DomainError>> {
  const user = await users.findById(userId);
  if (!user) return Err(domainError('USER_NO_LONGER_EXISTS', 'User no longer exists'));
  return callGateway(() =>
    gateway.ensureCustomer({ userId: user.id, email: user.email, name: user.fullName }),
  );
}

/** The flow has no gateway on this deployment (config): 503, never a fake answer. */
export const paymentsDisabled = (): DomainError =>
  domainError('PAYMENTS_DISABLED', 'Payments are not available on this deployment');

export const paymentMethodNotFound = (): DomainError =>
  domainError('PAYMENT_METHOD_NOT_FOUND', 'Payment method not found');

/**
 * A payment method the caller may use: one saved to ANOTHER gateway customer is refused (as if
 * unknown); unsaved and unknown methods pass (the gateway itself refuses unknown ones). The
 * caller's customer is only looked up (created on first use) when the method is saved to one.
 */
export async function checkMethodOwnership(
  gateway: PaymentGateway,
  paymentMethod: string,
  callerCustomer: () => Promise<Result<string, DomainError>>,
): Promise<Result<void, DomainError>> {
  const found = await callGateway(() => gateway.findPaymentMethod(paymentMethod));
  if (found.isErr()) return found;
  const owner = found.value?.customerId ?? null;
  if (owner === null) return Ok(undefined);
  const mine = await callerCustomer();
  if (mine.isErr()) return mine;
  return mine.value === owner ? Ok(undefined) : Err(paymentMethodNotFound());
}

export const gatewayFailed = (message = 'Payment gateway error'): DomainError =>
  domainError('PAYMENT_GATEWAY_FAILED', message);

/**
 * Applies a payment transition to the order with optimistic retries; a transition that finds
 * the event already applied (`changed` false) saves nothing. Events are published once, by the
 * writer that won.
 */
export async function changeOrder(
  orders: OrderRepository,
  bus: EventBus,
  orderId: string,
  transition: (order: Order) => Result<PaymentChange, DomainError>,
): Promise<Result<{ order: Order; changed: boolean }, DomainError>> {
  return changeOrderWithEvents(
    orders,
    bus,
    () => orders.findById(orderId),
    (order) => transition(order).map((change) => (change.changed ? change : UNCHANGED)),
    PAYMENT_SAVE_ATTEMPTS,
  );
}

/** The same for a payment record: `transition` answers null when nothing changes. */
export async function changeRecord(
  payments: PaymentRepository,
  recordId: string,
  transition: (record: PaymentRecord) => PaymentRecord | null,
): Promise<Result<PaymentRecord, DomainError>> {
  const run = await retryOnConflict({
    load: () => payments.findById(recordId),
    notFound: paymentNotFound,
    change: (record) => Ok(transition(record) ?? UNCHANGED),
    save: (next) => payments.update(next),
    attempts: PAYMENT_SAVE_ATTEMPTS,
  });
  return run.map((r) => (r.changed ? r.saved : r.current));
}

/** Runs a gateway call; a thrown error becomes PAYMENT_GATEWAY_FAILED (logged by the caller). */
export async function callGateway<T>(
  work: () => Promise<T>,
  message?: string,
): Promise<Result<T, DomainError & { cause?: unknown }>> {
  try {
    return Ok(await work());
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return Err(
      domainError('PAYMENT_GATEWAY_FAILED', message ?? 'Payment gateway error', {
        ...(typeof code === 'string' ? { gatewayCode: code } : {}),
      }),
    );
  }
}
