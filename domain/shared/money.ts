/**
 * Money inside the system is an integer number of minor units (paise, cents). Only the edges
 * convert to and from the storefront's decimal major units.
 */
export type Money = number;

/** Major units (e.g. 12.5) to minor units (1250), rounding half away from zero. */
export function fromMajor(major: number): Money {
  return Math.sign(major) * Math.round(Math.abs(major) * 100);
}

export function toMajor(minor: Money): number {
  return minor / 100;
}

/**
 * `amount * basisPoints / 10000`, rounded half up (half away from zero) to a whole minor unit.
 * 800 basis points = 8 %. Integer arithmetic only, so the result is exact for any amount.
 */
export function percentOf(amount: Money, basisPoints: number): Money {
  const product = amount * basisPoints;
  const quotient = Math.trunc(product / 10000);
  const remainder = product - quotient * 10000;
  if (Math.abs(remainder) * 2 >= 10000) return quotient + Math.sign(product);
  return quotient;
}

export function isMoney(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
