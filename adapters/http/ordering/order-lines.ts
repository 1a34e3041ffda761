import type { PlaceOrderLines, RequestedLine } from '../../../application/ordering/place-order.js';
import type { PlaceOrderBodyJson } from './schemas.js';

type ItemBody = NonNullable<PlaceOrderBodyJson['items']>[number];

function optionName(option: ItemBody['size']): string | undefined {
  if (option === undefined) return undefined;
  return typeof option === 'string' ? option : option.name;
}

function toRequestedLine(item: ItemBody & { product: string }): RequestedLine {
  const size = optionName(item.size);
  const vase = optionName(item.vase);
  return {
    productId: item.product,
    quantity: item.quantity,
    ...(size !== undefined ? { size } : {}),
    ...(vase !== undefined ? { vase } : {}),
    ...(item.personalNote !== undefined ? { personalNote: item.personalNote } : {}),
  };
}

const hasProduct = (item: ItemBody): item is ItemBody & { product: string } => item.product !== undefined;

/**
 * The storefront's rule for where an order's lines come from (compat 13): the request's items
 * when there are some and every one names its `product`; otherwise the server cart (lines moved
 * there from the wishlist reach the checkout without a product id, and no items means the cart).
 */
export function orderLinesFromBody(items: PlaceOrderBodyJson['items']): PlaceOrderLines {
  const requested = items ?? [];
  if (requested.length > 0 && requested.every(hasProduct)) {
    return { from: 'request', items: requested.map(toRequestedLine) };
  }
  return { from: 'cart' };
}
