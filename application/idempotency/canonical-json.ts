/**
 * The canonical JSON text of a value, so that two bodies that mean the same hash the same:
 * object keys sorted (by UTF-16 code units), no whitespace, `undefined` members dropped (as
 * JSON.stringify drops them), array order kept, numbers in JSON's shortest form (1.0 and 1 are
 * one number once parsed). An absent body is `null`.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const maybeJson = record as { toJSON?: () => unknown };
    if (typeof maybeJson.toJSON === 'function') return canonicalJson(maybeJson.toJSON());
    const members = Object.keys(record)
      .filter((k) => record[k] !== undefined && typeof record[k] !== 'function')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
    return `{${members.join(',')}}`;
  }
  return 'null';
}
