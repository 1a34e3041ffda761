/**
 * The pure parts of `bench/search.ts`: the request paths it cycles through, the server-side time
 * summary and the table. Kept apart from the processes and sockets so a test can check them
 * (test/bench/search-report.test.ts). Reports numbers and ratios; judges only the issue's "well
 * under 10 ms" for autocomplete.
 */
import { percentile } from './realtime-report.js';

/** Autocomplete paths: prefixes as typed and misspellings, each URL-encoded. */
export function autocompletePaths(queries: readonly string[], base = '/api/search/autocomplete'): string[] {
  return queries.map((q) => `${base}?q=${encodeURIComponent(q)}`);
}

/** Filters of the advanced search, as the seed sends them. */
export interface AdvancedQuery {
  readonly q: string;
  readonly occasions?: readonly string[];
  readonly priceRange?: { readonly min?: number; readonly max?: number };
  readonly inStock?: boolean;
  readonly ratingMin?: number;
  readonly sort?: string;
  /** Send the filters as one JSON-encoded `filters` parameter instead of bracketed ones. */
  readonly json?: boolean;
}

/** One advanced-search path with `facets=true`, its filters bracketed or JSON-encoded. */
export function advancedPath(query: AdvancedQuery, base = '/api/products/search/advanced'): string {
  const params: Array<[string, string]> = [['q', query.q]];
  const filters: Record<string, unknown> = {};
  if (query.occasions?.length) filters.occasion = query.occasions;
  if (query.priceRange) filters.priceRange = query.priceRange;
  if (query.inStock) filters.availability = 'in-stock';
  if (query.ratingMin !== undefined) filters.rating = { min: query.ratingMin };
  if (query.json) {
    if (Object.keys(filters).length) params.push(['filters', JSON.stringify(filters)]);
  } else {
    for (const o of query.occasions ?? []) params.push(['filters[occasion][]', o]);
    if (query.priceRange?.min !== undefined)
      params.push(['filters[priceRange][min]', String(query.priceRange.min)]);
    if (query.priceRange?.max !== undefined)
      params.push(['filters[priceRange][max]', String(query.priceRange.max)]);
    if (query.inStock) params.push(['filters[availability]', 'in-stock']);
    if (query.ratingMin !== undefined) params.push(['filters[rating][min]', String(query.ratingMin)]);
  }
  if (query.sort) params.push(['sort', query.sort]);
  params.push(['facets', 'true']);
  // Brackets stay readable (`filters[occasion][]`), as browsers and the storefront send them.
  const encode = (s: string) => encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']');
  return `${base}?${params.map(([k, v]) => `${encode(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

/** Server-side time of one scenario's requests, from the app's own measurement, in ms. */
export interface ServerTimes {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function summarizeServerTimes(ms: readonly number[]): ServerTimes {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

export interface ScenarioResult {
  readonly name: string;
  readonly reqPerSec: number;
  /** Client-side latency (autocannon), ms. */
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  /** Response body size, bytes. */
  readonly bytes: number;
  readonly server: ServerTimes | null;
  /** The scenario this one sends the same bytes as (its pre-serialized baseline). */
  readonly sameBytesAs?: string;
  /** Not run (e.g. the route is missing): why. */
  readonly skipped?: string;
}

const ms = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '-' : n < 1 ? n.toFixed(3) : n.toFixed(2);

/**
 * The markdown table: each scenario's throughput against the hello-world baseline (`helloName`)
 * and, for a route, against the baseline sending its same bytes pre-serialized.
 */
export function searchTable(rows: readonly ScenarioResult[], helloName: string): string {
  const hello = rows.find((r) => r.name === helloName && !r.skipped)?.reqPerSec;
  const lines = [
    '| scenario | req/s | vs hello-world | vs same bytes | p50 ms | p99 ms | server p50 ms | server p99 ms | bytes | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    if (r.skipped) {
      lines.push(`| ${r.name} | not run: ${r.skipped} | | | | | | | | |`);
      continue;
    }
    const same = r.sameBytesAs
      ? rows.find((o) => o.name === r.sameBytesAs && !o.skipped)?.reqPerSec
      : undefined;
    const ratio = (of: number | undefined) => (of ? (r.reqPerSec / of).toFixed(2) : '-');
    lines.push(
      `| ${r.name} | ${r.reqPerSec} | ${ratio(hello)} | ${ratio(same)} | ${r.p50} | ${r.p99} | ${ms(r.server?.p50)} | ${ms(r.server?.p99)} | ${r.bytes} | ${r.non2xx} |`,
    );
  }
  return lines.join('\n');
}

/** Whether the issue's "autocomplete well under 10 ms at 10,000 products" holds, from server p99. */
export function autocompleteVerdict(row: ScenarioResult | undefined, products: number, limitMs = 10): string {
  if (!row || row.skipped || !row.server || row.server.count === 0) return 'autocomplete: not measured';
  const holds = row.server.p99 < limitMs && row.non2xx === 0;
  return (
    `autocomplete at ${products} products: server p50 ${ms(row.server.p50)} ms, p99 ${ms(row.server.p99)} ms ` +
    `over ${row.server.count} requests: ${holds ? `holds (under ${limitMs} ms)` : `DOES NOT hold (target under ${limitMs} ms)`}`
  );
}
