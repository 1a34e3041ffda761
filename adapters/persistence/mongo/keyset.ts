import type { CursorPosition, CursorValue, KeysetOrder } from '../../../application/shared/cursor.js';

/**
 * The Mongo side of cursor pagination (application/shared/cursor.ts): the sort of a keyset order
 * (its keys, then `_id` ascending) and the range filter `(keys, _id) > position` written as an
 * `$or` of prefixes (FerretDB supports `$or`; no `$expr`, no tuple comparison):
 *   k1 beyond v1 | k1 = v1 and k2 beyond v2 | ... | every key equal and _id > id
 * where "beyond" is `$gt` for an ascending key and `$lt` for a descending one.
 */
export function keysetSort<T>(order: KeysetOrder<T>): Record<string, 1 | -1> {
  const sort: Record<string, 1 | -1> = {};
  for (const key of order) sort[key.path] = key.dir;
  if (sort._id === undefined) sort._id = 1;
  return sort;
}

function stored<T>(order: KeysetOrder<T>, i: number, value: CursorValue): unknown {
  return order[i]!.kind === 'date' ? new Date(value) : value;
}

export function keysetFilter<T>(
  order: KeysetOrder<T>,
  after: CursorPosition | null,
): Record<string, unknown> {
  if (after === null) return {};
  const branches: Record<string, unknown>[] = [];
  // An order ending on `_id` (idDescending) needs no tie-break branch: the id is unique.
  const last = order[order.length - 1]?.path === '_id' ? order.length - 1 : order.length;
  for (let i = 0; i <= last; i++) {
    const branch: Record<string, unknown> = {};
    for (let j = 0; j < i; j++) branch[order[j]!.path] = stored(order, j, after.values[j]!);
    if (i < order.length) {
      const op = order[i]!.dir === 1 ? '$gt' : '$lt';
      branch[order[i]!.path] = { [op]: stored(order, i, after.values[i]!) };
    } else {
      branch._id = { $gt: after.id };
    }
    branches.push(branch);
  }
  return { $or: branches };
}

/** `filter` narrowed to what follows `after`. */
export function afterPosition<T>(
  filter: Record<string, unknown>,
  order: KeysetOrder<T>,
  after: CursorPosition | null,
): Record<string, unknown> {
  if (after === null) return filter;
  const range = keysetFilter(order, after);
  return Object.keys(filter).length === 0 ? range : { $and: [filter, range] };
}
