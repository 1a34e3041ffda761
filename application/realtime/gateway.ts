import { token } from '../shared/token.js';
import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Principal } from '../../domain/identity/user.js';
import type { ChannelName } from './ports.js';
import type { OrderSnapshot, RealtimeCart, StockSnapshot } from './messages.js';

/** A channel as a client asks for it (the path names it; the cart is the signed-in user's own). */
export type ChannelRequest =
  | { readonly kind: 'order'; readonly orderId: string }
  | { readonly kind: 'stock' }
  | { readonly kind: 'cart' };

/** Which products a stock subscriber follows: some ids, or all. */
export type StockSelection = { readonly all: true } | { readonly productIds: readonly string[] };

/**
 * What the realtime transports ask of the application (the driving side's use cases):
 * - `authenticate`: a token -> principal (bad, expired, revoked: NOT_AUTHENTICATED);
 * - `authorize`: may this principal (or an anonymous client) open this channel? Errors:
 *   NOT_AUTHENTICATED (order and cart need a user), FORBIDDEN (another user's order),
 *   ORDER_NOT_FOUND, VALIDATION_FAILED (a malformed order id);
 * - `snapshot`: the channel's whole current state, for `ready` and `resync`.
 */
export interface RealtimeGateway {
  authenticate(token: string): Promise<Result<Principal, DomainError>>;
  authorize(request: ChannelRequest, principal: Principal | null): Promise<Result<ChannelName, DomainError>>;
  snapshot(
    channel: ChannelName,
    principal: Principal | null,
    selection?: StockSelection,
  ): Promise<Result<OrderSnapshot | StockSnapshot | RealtimeCart, DomainError>>;
}
export const REALTIME_GATEWAY = token<RealtimeGateway>('RealtimeGateway');
