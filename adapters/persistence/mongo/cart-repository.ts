import { Schema, type Connection, type Model } from 'mongoose';
import type { CartRepository } from '../../../application/cart/ports.js';
import type { Cart, CartItem, ChosenOption } from '../../../domain/cart/cart.js';
import { domainError, type DomainError } from '../../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../../domain/shared/result.js';
import { DocumentLock } from './document-lock.js';
import { isDuplicateKey } from './duplicate-key.js';

interface OptionDocument {
  name: string;
  price: number;
}

interface CartItemDocument {
  id: string;
  productId: string;
  quantity: number;
  unitPrice: number;
  size?: OptionDocument | null;
  vase?: OptionDocument | null;
  personalNote?: string | null;
}

interface CartDocument {
  _id: string;
  userId: string;
  items: CartItemDocument[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
  promoCode?: string | null;
}

const OptionSchema = new Schema<OptionDocument>(
  { name: { type: String, required: true }, price: { type: Number, required: true } },
  { _id: false },
);

const CartItemSchema = new Schema<CartItemDocument>(
  {
    id: { type: String, required: true },
    productId: { type: String, required: true },
    quantity: { type: Number, required: true },
    unitPrice: { type: Number, required: true },
    size: OptionSchema,
    vase: OptionSchema,
    personalNote: String,
  },
  { _id: false },
);

export const CART_SCHEMA = new Schema<CartDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    items: { type: [CartItemSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
    promoCode: { type: String, default: null },
  },
  { versionKey: false, collection: 'carts', id: false },
);
// One cart per user: the unique index is what makes two first saves race safely.
CART_SCHEMA.index({ userId: 1 }, { unique: true });

export function cartModel(connection: Connection): Model<CartDocument> {
  return (connection.models.Cart ?? connection.model('Cart', CART_SCHEMA)) as unknown as Model<CartDocument>;
}

const option = (o: OptionDocument): ChosenOption => ({ name: o.name, price: o.price });

function itemFromDocument(d: CartItemDocument): CartItem {
  return {
    id: d.id,
    productId: d.productId,
    quantity: d.quantity,
    unitPrice: d.unitPrice,
    ...(d.size ? { size: option(d.size) } : {}),
    ...(d.vase ? { vase: option(d.vase) } : {}),
    ...(d.personalNote != null ? { personalNote: d.personalNote } : {}),
  };
}

function itemToDocument(item: CartItem): CartItemDocument {
  return {
    id: item.id,
    productId: item.productId,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    ...(item.size ? { size: option(item.size) } : {}),
    ...(item.vase ? { vase: option(item.vase) } : {}),
    ...(item.personalNote !== undefined ? { personalNote: item.personalNote } : {}),
  };
}

function fromDocument(doc: CartDocument): Cart {
  return {
    id: doc._id,
    userId: doc.userId,
    items: (doc.items ?? []).map(itemFromDocument),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt ?? doc.createdAt,
    version: doc.version ?? 1,
    ...(doc.promoCode ? { promoCode: doc.promoCode } : {}),
  };
}

const conflict = (): DomainError =>
  domainError('CONFLICT', 'The cart was changed by another request; please retry');

/**
 * Carts in `carts`, one per user (unique `userId`), saved optimistically: version 0 inserts (a
 * duplicate userId means someone else created it first: CONFLICT), any other version is an
 * `updateOne({userId, version})` that must match.
 */
export class MongoCartRepository implements CartRepository {
  private readonly carts: Model<CartDocument>;
  private readonly locks: DocumentLock;

  constructor(connection: Connection) {
    this.carts = cartModel(connection);
    this.locks = new DocumentLock(connection);
  }

  async findByUserId(userId: string): Promise<Cart | null> {
    const doc = await this.carts.collection.findOne<CartDocument>({ userId });
    return doc ? fromDocument(doc) : null;
  }

  async save(cart: Cart): Promise<Result<Cart, DomainError>> {
    const next: Cart = { ...cart, items: cart.items.map((item) => ({ ...item })), version: cart.version + 1 };
    const fields = {
      userId: next.userId,
      items: next.items.map(itemToDocument),
      createdAt: next.createdAt,
      updatedAt: next.updatedAt,
      version: next.version,
      promoCode: next.promoCode ?? null,
    };
    if (cart.version === 0) {
      try {
        await this.carts.collection.insertOne({ _id: next.id, ...fields } as never);
        return Ok(next);
      } catch (error) {
        if (isDuplicateKey(error)) return Err(conflict());
        throw error;
      }
    }
    const result = await this.locks.exclusive(`carts:${cart.userId}`, () =>
      this.carts.collection.updateOne({ userId: cart.userId, version: cart.version }, { $set: fields }),
    );
    return result.matchedCount === 1 ? Ok(next) : Err(conflict());
  }
}
