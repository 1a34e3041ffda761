import type { ModelMetrics, Neighbour } from './model.js';

/**
 * Training the item-to-item recommendation model (pure: the data comes in, the model goes out).
 *
 * Co-occurrence: two products in the same non-cancelled order count `sameOrder`; in different
 * orders of the same shopper `sameShopper`; in the same wishlist `sameWishlist`. The counts are
 * normalised by cosine (c_ij / sqrt(n_i * n_j), n_i = the weighted baskets holding i) and shrunk
 * towards 0 when the evidence is thin (x c_ij / (c_ij + shrinkage)). Content similarity (shared
 * category, occasions, flower types, colours, tags, price band; a weighted cosine of those
 * features) is blended in with weight `contentWeight`, so a product nobody bought yet still gets
 * neighbours (cold start). Each product keeps its top `neighbours`.
 *
 * The work is a generator yielding progress (0-1) between slices, so the caller can give the
 * event loop back while a 10,000-product catalogue trains.
 */

export interface TrainingProduct {
  readonly id: string;
  readonly categoryId: string | null;
  readonly occasions: readonly string[];
  readonly flowerTypes: readonly string[];
  readonly colors: readonly string[];
  readonly tags: readonly string[];
  /** Minor units. */
  readonly price: number;
}

export interface TrainingOrder {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly cancelled: boolean;
  readonly productIds: readonly string[];
}

export interface TrainingData {
  readonly products: readonly TrainingProduct[];
  readonly orders: readonly TrainingOrder[];
  /** One list of product ids per shopper's wishlist. */
  readonly wishlists: readonly (readonly string[])[];
  /** Product page views (summed per product); they feed popularity only. */
  readonly views: readonly { readonly productId: string; readonly count: number }[];
}

export interface TrainingSettings {
  /** Neighbours kept per product. */
  readonly neighbours: number;
  readonly sameOrder: number;
  readonly sameShopper: number;
  readonly sameWishlist: number;
  /** c / (c + shrinkage): how much co-occurrence it takes to be trusted. */
  readonly shrinkage: number;
  /** Weight of content similarity (0-1) added to the co-occurrence score (0-1). */
  readonly contentWeight: number;
  /** Popularity: per order holding the product, per wishlist, per view. */
  readonly popularity: { readonly order: number; readonly wishlist: number; readonly view: number };
  /** Products compared per shared feature at most (the nearest in price), bounding the work. */
  readonly contentCandidates: number;
}

export const DEFAULT_TRAINING: TrainingSettings = {
  neighbours: 20,
  sameOrder: 1,
  sameShopper: 0.5,
  sameWishlist: 0.5,
  shrinkage: 2,
  contentWeight: 0.3,
  popularity: { order: 1, wishlist: 0.5, view: 0.05 },
  contentCandidates: 60,
};

/** Feature weights of content similarity. */
export const CONTENT_WEIGHTS = {
  category: 2,
  occasion: 2,
  flowerType: 2,
  color: 1,
  tag: 1,
  priceBand: 1,
} as const;

/** Price band upper bounds in minor units (below 1,000, 2,000, 3,500, 5,000 major units; above). */
export const PRICE_BANDS = [100_000, 200_000, 350_000, 500_000] as const;

export function priceBand(price: number): number {
  const i = PRICE_BANDS.findIndex((bound) => price < bound);
  return i === -1 ? PRICE_BANDS.length : i;
}

export interface TrainedModel {
  readonly neighbours: Record<string, Neighbour[]>;
  readonly popular: Neighbour[];
}

/** Progress of a training run, 0-1. */
export type TrainingProgress = number;

const SLICE = 100;

function byScoreThenId(a: Neighbour, b: Neighbour): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Popularity: every product, best first (ties by id). */
export function popularity(data: TrainingData, settings: TrainingSettings = DEFAULT_TRAINING): Neighbour[] {
  const known = new Set(data.products.map((p) => p.id));
  const score = new Map<string, number>(data.products.map((p) => [p.id, 0]));
  const add = (id: string, w: number) => {
    if (known.has(id)) score.set(id, (score.get(id) ?? 0) + w);
  };
  for (const o of data.orders) {
    if (o.cancelled) continue;
    for (const id of new Set(o.productIds)) add(id, settings.popularity.order);
  }
  for (const w of data.wishlists) for (const id of new Set(w)) add(id, settings.popularity.wishlist);
  for (const v of data.views) add(v.productId, settings.popularity.view * v.count);
  return [...score].map(([id, s]) => ({ id, score: round(s) })).sort(byScoreThenId);
}

function features(p: TrainingProduct): Map<string, number> {
  const w = CONTENT_WEIGHTS;
  const f = new Map<string, number>();
  if (p.categoryId !== null) f.set(`c:${p.categoryId}`, w.category);
  for (const o of p.occasions) f.set(`o:${o}`, w.occasion);
  for (const x of p.flowerTypes) f.set(`f:${x}`, w.flowerType);
  for (const c of p.colors) f.set(`k:${c}`, w.color);
  for (const t of p.tags) f.set(`t:${t.toLowerCase()}`, w.tag);
  f.set(`p:${priceBand(p.price)}`, w.priceBand);
  return f;
}

/** Weighted cosine of two products' features (0-1). */
export function contentSimilarity(a: TrainingProduct, b: TrainingProduct): number {
  return cosine(features(a), features(b));
}

function cosine(fa: ReadonlyMap<string, number>, fb: ReadonlyMap<string, number>): number {
  let shared = 0;
  let na = 0;
  let nb = 0;
  for (const [k, w] of fa) {
    na += w * w;
    const wb = fb.get(k);
    if (wb !== undefined) shared += w * wb;
  }
  for (const w of fb.values()) nb += w * w;
  return na === 0 || nb === 0 ? 0 : shared / Math.sqrt(na * nb);
}

/** Weighted co-occurrence counts and per-product basket weights. */
function coOccurrence(
  data: TrainingData,
  known: ReadonlySet<string>,
  s: TrainingSettings,
): { pairs: Map<string, Map<string, number>>; mass: Map<string, number> } {
  const pairs = new Map<string, Map<string, number>>();
  const mass = new Map<string, number>();
  const basket = (ids: Iterable<string>, w: number) => {
    const list = [...new Set(ids)].filter((id) => known.has(id));
    for (const id of list) mass.set(id, (mass.get(id) ?? 0) + w);
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < list.length; j++) {
        if (i === j) continue;
        const row = pairs.get(list[i]!) ?? new Map<string, number>();
        pairs.set(list[i]!, row);
        row.set(list[j]!, (row.get(list[j]!) ?? 0) + w);
      }
    }
  };
  const byShopper = new Map<string, TrainingOrder[]>();
  for (const o of data.orders) {
    if (o.cancelled) continue;
    basket(o.productIds, s.sameOrder);
    byShopper.set(o.userId, [...(byShopper.get(o.userId) ?? []), o]);
  }
  // Across a shopper's different orders: each pair of products from two different orders.
  for (const orders of byShopper.values()) {
    if (orders.length < 2) continue;
    const sets = orders.map((o) => new Set(o.productIds.filter((id) => known.has(id))));
    const across = new Map<string, Set<string>>();
    for (let a = 0; a < sets.length; a++) {
      for (let b = 0; b < sets.length; b++) {
        if (a === b) continue;
        for (const i of sets[a]!) {
          for (const j of sets[b]!) {
            if (i === j || sets[a]!.has(j)) continue;
            const seen = across.get(i) ?? new Set<string>();
            across.set(i, seen);
            seen.add(j);
          }
        }
      }
    }
    for (const [i, js] of across) {
      const row = pairs.get(i) ?? new Map<string, number>();
      pairs.set(i, row);
      for (const j of js) row.set(j, (row.get(j) ?? 0) + s.sameShopper);
    }
  }
  for (const w of data.wishlists) basket(w, s.sameWishlist);
  return { pairs, mass };
}

/**
 * Trains the neighbours and the popularity list; yields progress (0-1) between slices of
 * products and answers the model.
 */
export function* trainSteps(
  data: TrainingData,
  settings: TrainingSettings = DEFAULT_TRAINING,
): Generator<TrainingProgress, TrainedModel> {
  const products = [...data.products].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const known = new Set(products.map((p) => p.id));
  const { pairs, mass } = coOccurrence(data, known, settings);
  yield 0.1;

  // Features as sorted integer ids with weights, so a similarity is a merge of two short arrays.
  const featureIds = new Map<string, number>();
  const encoded = products.map((p) => {
    const pairs = [...features(p)].map(([k, w]) => {
      let id = featureIds.get(k);
      if (id === undefined) featureIds.set(k, (id = featureIds.size));
      return [id, w] as const;
    });
    pairs.sort((a, b) => a[0] - b[0]);
    const ids = Int32Array.from(pairs.map(([id]) => id));
    const weights = Float64Array.from(pairs.map(([, w]) => w));
    return { ids, weights, norm: Math.sqrt(weights.reduce((n, w) => n + w * w, 0)) };
  });
  // Inverted index; each posting list sorted by price, so a product compares with the
  // `contentCandidates` nearest in price of each feature it has (all of them in a small catalogue).
  const postings: number[][] = Array.from({ length: featureIds.size }, () => []);
  products.forEach((_, i) => {
    for (const f of encoded[i]!.ids) postings[f]!.push(i);
  });
  const positions: Map<number, number>[] = products.map(() => new Map());
  postings.forEach((list, f) => {
    list.sort((a, b) => products[a]!.price - products[b]!.price || a - b);
    list.forEach((i, at) => positions[i]!.set(f, at));
  });
  const similarity = (a: number, b: number): number => {
    const x = encoded[a]!;
    const y = encoded[b]!;
    let dot = 0;
    for (let i = 0, j = 0; i < x.ids.length && j < y.ids.length;) {
      if (x.ids[i] === y.ids[j]) dot += x.weights[i++]! * y.weights[j++]!;
      else if (x.ids[i]! < y.ids[j]!) i++;
      else j++;
    }
    return x.norm === 0 || y.norm === 0 ? 0 : dot / (x.norm * y.norm);
  };
  const index = new Map(products.map((p, i) => [p.id, i]));
  yield 0.2;

  const neighbours: Record<string, Neighbour[]> = {};
  const half = Math.max(1, Math.floor(settings.contentCandidates / 2));
  const score = new Float64Array(products.length);
  const seen = new Int32Array(products.length).fill(-1);
  for (let n = 0; n < products.length; n++) {
    const p = products[n]!;
    const touched: number[] = [];
    const touch = (j: number) => {
      if (seen[j] !== n) {
        seen[j] = n;
        score[j] = 0;
        touched.push(j);
      }
    };
    const co = pairs.get(p.id);
    const mi = mass.get(p.id) ?? 0;
    if (co && mi > 0) {
      for (const [id, c] of co) {
        const mj = mass.get(id) ?? 0;
        const j = index.get(id)!;
        if (mj === 0) continue;
        touch(j);
        score[j] = (c / Math.sqrt(mi * mj)) * (c / (c + settings.shrinkage));
      }
    }
    const candidates: number[] = [];
    for (const [f, at] of positions[n]!) {
      const list = postings[f]!;
      const to = Math.min(list.length, at + half + 1);
      for (let i = Math.max(0, at - half); i < to; i++) {
        const j = list[i]!;
        if (j === n || seen[j] === n + products.length) continue;
        if (seen[j] !== n) touch(j);
        candidates.push(j);
        seen[j] = n + products.length; // content counted once
      }
    }
    // Content speaks for a product in proportion to how little co-occurrence it has: all of its
    // weight for a product nobody bought yet (cold start), little for a well-sold one.
    const contentWeight = settings.contentWeight * (settings.shrinkage / (settings.shrinkage + mi));
    for (const j of candidates) {
      score[j] = score[j]! + contentWeight * similarity(n, j);
      seen[j] = n;
    }
    // The best `neighbours`, kept sorted while scanning (most candidates fall below the last).
    const top: Neighbour[] = [];
    for (const j of touched) {
      const s = round(score[j]!);
      if (s <= 0) continue;
      const full = top.length === settings.neighbours;
      if (full && s < top[top.length - 1]!.score) continue;
      const candidate = { id: products[j]!.id, score: s };
      if (full && byScoreThenId(candidate, top[top.length - 1]!) >= 0) continue;
      let at = top.length;
      while (at > 0 && byScoreThenId(candidate, top[at - 1]!) < 0) at--;
      top.splice(at, 0, candidate);
      if (top.length > settings.neighbours) top.pop();
    }
    neighbours[p.id] = top;
    if ((n + 1) % SLICE === 0) yield 0.2 + (0.8 * (n + 1)) / products.length;
  }
  return { neighbours, popular: popularity(data, settings) };
}

/** Runs trainSteps to the end (tests, small data). */
export function train(data: TrainingData, settings: TrainingSettings = DEFAULT_TRAINING): TrainedModel {
  const steps = trainSteps(data, settings);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * The held-out split: for each shopper with 2+ non-cancelled orders, the last (by date, then id)
 * is held out; everything else is training data.
 */
export function holdOut(data: TrainingData): {
  training: TrainingData;
  heldOut: { readonly history: ReadonlySet<string>; readonly target: readonly string[] }[];
} {
  const byShopper = new Map<string, TrainingOrder[]>();
  for (const o of data.orders) {
    if (o.cancelled) continue;
    byShopper.set(o.userId, [...(byShopper.get(o.userId) ?? []), o]);
  }
  const held = new Set<string>();
  const heldOut: { history: Set<string>; target: string[] }[] = [];
  for (const orders of [...byShopper.values()]) {
    if (orders.length < 2) continue;
    orders.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    const last = orders[orders.length - 1]!;
    held.add(last.id);
    const history = new Set(orders.slice(0, -1).flatMap((o) => o.productIds));
    const target = [...new Set(last.productIds)].filter((id) => !history.has(id));
    if (target.length > 0) heldOut.push({ history, target });
  }
  return { training: { ...data, orders: data.orders.filter((o) => !held.has(o.id)) }, heldOut };
}

/** Ranks for a shopper: the sum of their history items' neighbour scores, history excluded. */
export function rankFromHistory(
  neighbours: Readonly<Record<string, readonly Neighbour[]>>,
  history: ReadonlySet<string>,
  limit: number,
): string[] {
  const scores = new Map<string, number>();
  for (const h of history) {
    for (const n of neighbours[h] ?? []) {
      if (!history.has(n.id)) scores.set(n.id, (scores.get(n.id) ?? 0) + n.score);
    }
  }
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort(byScoreThenId)
    .slice(0, limit)
    .map((n) => n.id);
}

/** Hit (1/0) and NDCG of a ranked list against the relevant ids (binary relevance). */
export function hitAndNdcg(
  ranked: readonly string[],
  relevant: readonly string[],
): { hit: number; ndcg: number } {
  const wanted = new Set(relevant);
  let dcg = 0;
  ranked.forEach((id, i) => {
    if (wanted.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(wanted.size, ranked.length); i++) ideal += 1 / Math.log2(i + 2);
  return { hit: dcg > 0 ? 1 : 0, ndcg: ideal === 0 ? 0 : dcg / ideal };
}

export const EVALUATION_CUTOFF = 10;

/**
 * Evaluates on held-out orders: trains on the rest (yielding progress 0-1 like trainSteps), then
 * for each held-out order ranks top 10 from the shopper's earlier items (excluding them) with the
 * model and with the popularity baseline: hit-rate@10 and NDCG@10 of both.
 */
export function* evaluateSteps(
  data: TrainingData,
  settings: TrainingSettings = DEFAULT_TRAINING,
): Generator<TrainingProgress, ModelMetrics> {
  const { training, heldOut } = holdOut(data);
  const model = yield* trainSteps(training, settings);
  const k = EVALUATION_CUTOFF;
  let hits = 0;
  let ndcg = 0;
  let baseHits = 0;
  let baseNdcg = 0;
  for (const { history, target } of heldOut) {
    const m = hitAndNdcg(rankFromHistory(model.neighbours, history, k), target);
    const base = model.popular
      .filter((p) => !history.has(p.id))
      .slice(0, k)
      .map((p) => p.id);
    const b = hitAndNdcg(base, target);
    hits += m.hit;
    ndcg += m.ndcg;
    baseHits += b.hit;
    baseNdcg += b.ndcg;
  }
  const n = heldOut.length;
  const mean = (x: number) => (n === 0 ? 0 : round(x / n));
  return {
    evaluatedOrders: n,
    hitRateAt10: mean(hits),
    ndcgAt10: mean(ndcg),
    baseline: { hitRateAt10: mean(baseHits), ndcgAt10: mean(baseNdcg) },
  };
}

export function evaluate(data: TrainingData, settings: TrainingSettings = DEFAULT_TRAINING): ModelMetrics {
  const steps = evaluateSteps(data, settings);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
