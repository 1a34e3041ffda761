/**
 * JSON that keeps Dates: a Date is written as `{"$date": <epoch ms>}` and read back as a Date, so
 * cached answers and events that crossed Redis equal the ones that did not.
 */
export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, json: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.getTime() } : json;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const date = (value as { $date?: unknown }).$date;
      if (typeof date === 'number' && Object.keys(value).length === 1) return new Date(date);
    }
    return value;
  }) as T;
}
