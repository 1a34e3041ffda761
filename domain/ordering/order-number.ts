/** `AF-` + 9 digits (compat 10). */
export const ORDER_NUMBER_PATTERN = /^AF-\d{9}$/;

/**
 * `AF-` + the last 6 digits of the creation time in epoch milliseconds + a zero-padded random
 * number 000-999. Not unique by construction: the caller retries on a clash.
 */
export function makeOrderNumber(createdAt: Date, random: number): string {
  if (!Number.isInteger(random) || random < 0 || random > 999) {
    throw new RangeError(`order number random part must be an integer in [0, 999], got ${random}`);
  }
  const millis = String(createdAt.getTime()).padStart(6, '0').slice(-6);
  return `AF-${millis}${String(random).padStart(3, '0')}`;
}

export function isOrderNumber(value: string): boolean {
  return ORDER_NUMBER_PATTERN.test(value);
}
