import type { Schema } from 'mongoose';
import type { Db, Migration } from '../migrations.js';
import { USER_SCHEMA } from '../identity-user-repository.js';
import { AUDIT_SCHEMA } from '../identity-audit-log.js';
import { PASSWORD_RESET_SCHEMA, REVOKED_TOKEN_SCHEMA } from '../identity-tokens.js';
import { CART_SCHEMA } from '../cart-repository.js';
import { ORDER_SCHEMA } from '../ordering-order-repository.js';

/** The schemas whose declared indexes this migration owns (identity, cart and ordering). */
const SCHEMAS: readonly Schema[] = [
  USER_SCHEMA,
  AUDIT_SCHEMA,
  REVOKED_TOKEN_SCHEMA,
  PASSWORD_RESET_SCHEMA,
  CART_SCHEMA,
  ORDER_SCHEMA,
] as Schema[];

/** Named as `ensureIndexes` names them, so both agree on what exists. */
function declared(): Array<{
  collection: string;
  name: string;
  keys: Record<string, 1 | -1>;
  options: object;
}> {
  return SCHEMAS.flatMap((schema) =>
    schema.indexes().map(([keys, options]) => ({
      collection: schema.get('collection') as string,
      name:
        (options.name as string | undefined) ??
        Object.entries(keys)
          .map(([k, v]) => `${k}_${String(v)}`)
          .join('_'),
      keys: keys as Record<string, 1 | -1>,
      options: { background: true, ...options },
    })),
  );
}

/**
 * The declared indexes of users, audit_log, revoked_tokens, password_resets, carts and orders
 * (the same ones the start-up creates). An option the server lacks (FerretDB: TTL) skips that
 * index; the code never relies on it.
 */
export const createIndexes: Migration = {
  version: 1,
  name: 'create-indexes',
  async up(db: Db) {
    for (const index of declared()) {
      await db
        .collection(index.collection)
        .createIndex(index.keys, { ...index.options, name: index.name })
        .catch((error: unknown) => {
          if (!/not implemented|not supported|unsupported/i.test(String((error as Error).message)))
            throw error;
        });
    }
  },
  async down(db: Db) {
    for (const index of declared()) {
      await db
        .collection(index.collection)
        .dropIndex(index.name)
        .catch(() => undefined); // never created (unsupported) or already gone
    }
  },
};
