import { stringify } from 'csv-stringify/sync';

/**
 * Every CSV export's one encoder: a header row, cells quoted when they hold a comma, quote or
 * line break, and a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * prefixed with `'`, so a spreadsheet shows it instead of running it as a formula (CSV
 * injection: product names, cities and names in exports come from people). Numbers stay numbers.
 */
export function toCsv(
  rows: readonly (Record<string, unknown> | readonly unknown[])[],
  columns: readonly string[],
): string {
  return stringify([...rows] as unknown[], { header: true, columns: [...columns], escape_formulas: true });
}
