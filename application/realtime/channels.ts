import type { Principal } from '../../domain/identity/user.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { CurrentCart } from '../cart/index.js';
import type { ProductRepository } from '../catalog/index.js';
import type { Authenticator } from '../identity/index.js';
import type { OrderRepository } from '../ordering/index.js';
import { isEntityId } from '../shared/ids.js';
import type { Clock } from '../shared/ports.js';
import type { ChannelRequest, RealtimeGateway, StockSelection } from './gateway.js';
import type { OrderSnapshot, RealtimeCart, StockSnapshot } from './messages.js';
import { cartChannel, orderChannel, STOCK_CHANNEL, type ChannelName } from './ports.js';
import { emptyRealtimeCart, orderSnapshot, realtimeCart, stockLevel } from './views.js';

/** The most product ids one stock selection may name (more are ignored). */
export const MAX_STOCK_SELECTION = 500;

const notAuthenticated = (): DomainError =>
  domainError('NOT_AUTHENTICATED', 'Not authorized to access this route');
const orderNotFound = (): DomainError => domainError('ORDER_NOT_FOUND', 'Order not found');
const forbidden = (): DomainError => domainError('FORBIDDEN', 'Not allowed to follow this channel');

/**
 * What the realtime transports ask of the application (RealtimeGateway): who the client is, may
 * it open the channel, and the channel's whole current state. Reads only: opening the cart channel
 * of a user without a cart creates none (the snapshot is an empty cart).
 */
export class RealtimeChannels implements RealtimeGateway {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
    private readonly carts: CurrentCart,
    private readonly clock: Clock,
  ) {}

  /** Bad, expired, revoked tokens and deactivated or deleted accounts: NOT_AUTHENTICATED alike. */
  async authenticate(token: string): Promise<Result<Principal, DomainError>> {
    const r = await this.authenticator.authenticate(token);
    return r.isOk() ? Ok(r.value) : Err(notAuthenticated());
  }

  async authorize(
    request: ChannelRequest,
    principal: Principal | null,
  ): Promise<Result<ChannelName, DomainError>> {
    switch (request.kind) {
      case 'stock':
        return Ok(STOCK_CHANNEL);
      case 'cart':
        return principal ? Ok(cartChannel(principal.user.id)) : Err(notAuthenticated());
      case 'order': {
        if (!isEntityId(request.orderId)) {
          return Err(
            domainError('VALIDATION_FAILED', 'orderId must be a 24-character hex id', {
              errors: [{ field: 'orderId', message: 'must be a 24-character hex id' }],
            }),
          );
        }
        if (!principal) return Err(notAuthenticated());
        const order = await this.orders.findById(request.orderId);
        if (!order) return Err(orderNotFound());
        if (order.userId !== principal.user.id && principal.user.role !== 'admin') return Err(forbidden());
        return Ok(orderChannel(order.id));
      }
    }
  }

  async snapshot(
    channel: ChannelName,
    principal: Principal | null,
    selection?: StockSelection,
  ): Promise<Result<OrderSnapshot | StockSnapshot | RealtimeCart, DomainError>> {
    if (channel === STOCK_CHANNEL) return Ok(await this.stock(selection ?? { productIds: [] }));
    if (channel.startsWith('order:')) {
      const order = await this.orders.findById(channel.slice('order:'.length));
      return order ? Ok(orderSnapshot(order)) : Err(orderNotFound());
    }
    // cart:<userId>: the principal's own (an admin may look at anyone's).
    const userId = channel.slice('cart:'.length);
    if (!principal) return Err(notAuthenticated());
    if (principal.user.id !== userId && principal.user.role !== 'admin') return Err(forbidden());
    const view = await this.carts.execute({ userId });
    return Ok(view ? realtimeCart(view) : emptyRealtimeCart('', this.clock.now()));
  }

  /** Every product (all), or the ones named that exist (at most MAX_STOCK_SELECTION ids). */
  private async stock(selection: StockSelection): Promise<StockSnapshot> {
    const at = this.clock.now();
    if ('all' in selection) {
      const all = await this.products.all();
      return { products: all.map((p) => stockLevel(p.id, p, at)) };
    }
    const ids = [...new Set(selection.productIds)].filter(isEntityId).slice(0, MAX_STOCK_SELECTION);
    const found = ids.length === 0 ? [] : await this.products.findByIds(ids);
    return { products: found.map((p) => stockLevel(p.id, p, at)) };
  }
}
