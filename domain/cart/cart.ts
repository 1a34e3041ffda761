import type { Money } from '../shared/money.js';

/** A chosen size or vase, priced from the product's own options when it was added. */
export interface ChosenOption {
  readonly name: string;
  readonly price: Money;
}

export interface CartItem {
  readonly id: string;
  readonly productId: string;
  readonly quantity: number;
  /** The product's base price when the line was last priced. */
  readonly unitPrice: Money;
  readonly size?: ChosenOption;
  readonly vase?: ChosenOption;
  readonly personalNote?: string;
}

/** The Cart aggregate's state; its behaviour lives beside it in this folder. */
export interface Cart {
  readonly id: string;
  readonly userId: string;
  readonly items: readonly CartItem[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** 0 for a cart never saved; incremented by every save. */
  readonly version: number;
}
