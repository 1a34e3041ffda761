import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { OrderLine, OrderOption } from '../../domain/ordering/order.js';
import type { Product } from '../../domain/catalog/product.js';
import { chooseOption } from '../../domain/shared/line-pricing.js';
import type { IdGenerator } from '../shared/ports.js';

/** What a line is before it becomes an order line (from the request or from the server cart). */
export interface LineDraft {
  readonly productId: string;
  readonly quantity: number;
  readonly size?: string;
  readonly vase?: string;
  readonly personalNote?: string;
  /** Cart lines keep their stored option prices when the product no longer offers the option. */
  readonly fallbackSize?: OrderOption;
  readonly fallbackVase?: OrderOption;
  readonly cartItemId?: string;
}

export interface PricedDrafts {
  readonly lines: OrderLine[];
  readonly products: Map<string, Product>;
}

/** The products the drafts name, each once. */
export function uniqueProductIds(drafts: readonly LineDraft[]): string[] {
  return [...new Set(drafts.map((d) => d.productId))];
}

/**
 * Catalog prices for every line, from the products found for them; unknown products and option
 * names are refused. Part of PlaceOrder.
 */
export function priceDrafts(
  drafts: readonly LineDraft[],
  found: readonly Product[],
  ids: IdGenerator,
): Result<PricedDrafts, DomainError> {
  const byId = new Map(found.map((p) => [p.id, p]));
  const lines: OrderLine[] = [];
  for (const draft of drafts) {
    const product = byId.get(draft.productId);
    if (!product) return Err(domainError('PRODUCT_NOT_FOUND', `Product ${draft.productId} not found`));
    const size = chooseOption(product, 'size', draft.size, draft.fallbackSize);
    if (size.isErr()) return size;
    const vase = chooseOption(product, 'vase', draft.vase, draft.fallbackVase);
    if (vase.isErr()) return vase;
    const note = draft.personalNote?.trim();
    const image = product.images[0]?.url;
    lines.push({
      id: ids.next(),
      productId: product.id,
      name: product.name,
      unitPrice: product.price,
      quantity: draft.quantity,
      ...(size.value !== undefined ? { size: size.value } : {}),
      ...(vase.value !== undefined ? { vase: vase.value } : {}),
      ...(note ? { personalNote: note } : {}),
      ...(image !== undefined ? { image } : {}),
    });
  }
  return Ok({ lines, products: byId });
}
