import type { Result } from '../../domain/shared/result.js';
import type { DomainError } from '../../domain/shared/errors.js';
import {
  BODY_FIELDS,
  STATUS_BY_CODE,
  WIRE_CODE,
  type AnswerCode,
  type BodyFields,
  type HttpErrorCode,
  type HttpErrorDetails,
} from './error-table.js';

/** A failure only the HTTP edge raises (rate limit, idempotency key, confirmation header, ...). */
export type HttpError = {
  readonly [C in HttpErrorCode]: {
    readonly code: C;
    readonly message: string;
    readonly details?: HttpErrorDetails<C>;
  };
}[HttpErrorCode];

export function httpError<C extends HttpErrorCode>(
  code: C,
  message: string,
  details?: HttpErrorDetails<C>,
): HttpError {
  return (details === undefined ? { code, message } : { code, message, details }) as HttpError;
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

/** The body fields of an error's details (BODY_FIELDS), undefined ones left out. */
export function bodyFieldsOf(error: AnswerError): BodyFields {
  const details: (object & { transactionAborted?: true }) | undefined = error.details;
  if (details === undefined) return {};
  const mapper = (BODY_FIELDS as Partial<Record<AnswerCode, (details: object) => BodyFields>>)[error.code];
  const fields = { ...mapper?.(details), transactionAborted: details.transactionAborted };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** Seconds the client should wait before retrying, for the codes that say so. */
export function retryAfterOf(error: AnswerError): number | undefined {
  switch (error.code) {
    case 'RATE_LIMITED':
    case 'SERVER_BUSY':
    case 'TOO_MANY_ATTEMPTS':
      return error.details?.retryAfter;
    default:
      return undefined;
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
