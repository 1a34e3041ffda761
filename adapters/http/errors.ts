import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { STATUS_BY_CODE, WIRE_CODE, type AnswerCode, type HttpErrorCode } from './error-table.js';

/** A failure only the HTTP edge raises (rate limit, idempotency key, confirmation header, ...). */
export interface HttpError {
  readonly code: HttpErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function httpError(
  code: HttpErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): HttpError {
  return details === undefined ? { code, message } : { code, message, details };
}

/** What an error answer is made from: a use case's failure or the edge's own. */
export type AnswerError = DomainError | HttpError;

/** Carries an expected failure from a route handler to the error handler, which maps it once. */
export class DomainFailure extends Error {
  constructor(readonly error: AnswerError) {
    super(error.message);
    this.name = 'DomainFailure';
  }

  get statusCode(): number {
    return STATUS_BY_CODE[this.error.code];
  }

  /** The `code` of the answer's body. */
  get answerCode(): AnswerCode {
    return WIRE_CODE[this.error.code] ?? this.error.code;
  }
}

/** The value of an Ok result; an Err becomes a DomainFailure answered from the error table. */
export function unwrap<T>(result: Result<T, DomainError>): T {
  if (result.isErr()) throw new DomainFailure(result.error);
  return result.value;
}

export function fail(error: AnswerError): never {
  throw new DomainFailure(error);
}

/** Unknown route: compat 0.5 keeps `status: "fail"` and the message; `code` as on every error. */
export function routeNotFoundBody(url: string) {
  return { status: 'fail' as const, message: `Route ${url} not found`, code: 'ROUTE_NOT_FOUND' };
}
