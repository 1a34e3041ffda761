import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { STATUS_BY_CODE } from './error-table.js';

/** Carries an expected failure from a route handler to the error handler, which maps it once. */
export class DomainFailure extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
    this.name = 'DomainFailure';
  }

  get statusCode(): number {
    return STATUS_BY_CODE[this.error.code];
  }
}

/** The value of an Ok result; an Err becomes a DomainFailure answered from the error table. */
export function unwrap<T>(result: Result<T, DomainError>): T {
  if (result.isErr()) throw new DomainFailure(result.error);
  return result.value;
}

export function fail(error: DomainError): never {
  throw new DomainFailure(error);
}

/** Unknown route: compat 0.5 keeps `status: "fail"` and the message; `code` as on every error. */
export function routeNotFoundBody(url: string) {
  return { status: 'fail' as const, message: `Route ${url} not found`, code: 'ROUTE_NOT_FOUND' };
}
