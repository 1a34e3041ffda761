/** Never a value: the key of the phantom property that carries a token's type. */
declare const boundType: unique symbol;

/**
 * An injection token that carries the type of what is bound under it, so the container wiring in
 * bootstrap/ can check a constructor's dependencies against its parameters at compile time. At
 * run time it is a plain registered symbol (`Symbol.for(name)`): application/ stays free of any
 * container library. The phantom property is required, so a bare `Symbol(...)` is not a token.
 */
export type Token<T> = symbol & { readonly [boundType]: T };

/** The token named `name` (one symbol per name across the process) for a `T`. */
export function token<T>(name: string): Token<T> {
  return Symbol.for(name) as Token<T>;
}
