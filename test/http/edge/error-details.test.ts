import { expect } from 'chai';
import { aborted, domainError, type DomainError } from '../../../domain/shared/errors.js';
import { bodyFieldsOf, DomainFailure, httpError, retryAfterOf } from '../../../adapters/http/errors.js';
import { errorResponse } from '../../../adapters/http/server.js';

const bodyOf = (error: DomainError | ReturnType<typeof httpError>) =>
  errorResponse(new DomainFailure(error), 'req-1').body;

describe('HTTP edge: typed error details become body fields in one place', () => {
  it('answers the declared details of a code beside status, message and code', () => {
    expect(
      bodyOf(domainError('UNKNOWN_OPTION', 'Unknown vase', { option: 'vase', name: 'crystal' })),
    ).to.deep.equal({
      status: 'error',
      message: 'Unknown vase',
      code: 'UNKNOWN_OPTION',
      option: 'vase',
      name: 'crystal',
    });
    expect(bodyOf(domainError('NOT_FOUND', 'Nothing here'))).to.deep.equal({
      status: 'error',
      message: 'Nothing here',
      code: 'NOT_FOUND',
    });
  });

  it('leaves out undefined optional details and keeps the order the storefront saw', () => {
    const body = bodyOf(domainError('INSUFFICIENT_STOCK', 'Insufficient stock', { productId: 'p1' }));
    expect(Object.keys(body)).to.deep.equal(['status', 'message', 'code', 'productId']);
    const full = bodyOf(
      domainError('INSUFFICIENT_STOCK', 'Insufficient stock', { productId: 'p1', available: 2 }),
    );
    expect(JSON.stringify(full)).to.equal(
      '{"status":"error","message":"Insufficient stock","code":"INSUFFICIENT_STOCK","productId":"p1","available":2}',
    );
  });

  it('never spreads a field a code does not declare into the body', () => {
    // Only a cast can smuggle one in (tsc refuses it, see below); the edge still does not show it.
    const smuggled = {
      code: 'CONFLICT',
      message: 'Clash',
      details: { field: 'id', internal: 'secret' },
    } as DomainError;
    expect(bodyOf(smuggled)).to.deep.equal({
      status: 'error',
      message: 'Clash',
      code: 'CONFLICT',
      field: 'id',
    });
    const onUndetailed = {
      code: 'NOT_FOUND',
      message: 'No',
      details: { stack: 'x' },
    } as unknown as DomainError;
    expect(bodyFieldsOf(onUndetailed)).to.deep.equal({});
  });

  it("adds a rolled-back operation's transactionAborted after the code's own fields", () => {
    const failure = aborted(domainError('UNKNOWN_OPTION', 'Unknown vase', { option: 'vase', name: 'x' }));
    expect(bodyFieldsOf(failure)).to.deep.equal({ option: 'vase', name: 'x', transactionAborted: true });
    expect(Object.keys(bodyFieldsOf(failure))).to.deep.equal(['option', 'name', 'transactionAborted']);
    expect(bodyFieldsOf(aborted(domainError('PRODUCT_NOT_FOUND', 'Product not found')))).to.deep.equal({
      transactionAborted: true,
    });
  });

  it("answers a use case's SERVER_BUSY as the edge's 429 RATE_LIMITED with the same fields", () => {
    const busy = domainError('SERVER_BUSY', 'Busy', { error: 'Busy', retryAfter: 2 });
    expect(errorResponse(new DomainFailure(busy), 'req-1')).to.deep.equal({
      statusCode: 429,
      body: { status: 'error', message: 'Busy', code: 'RATE_LIMITED', error: 'Busy', retryAfter: 2 },
    });
    expect(retryAfterOf(busy)).to.equal(2);
    expect(retryAfterOf(httpError('RATE_LIMITED', 'Slow', { error: 'Slow', retryAfter: 9 }))).to.equal(9);
    expect(retryAfterOf(domainError('NOT_FOUND', 'No'))).to.equal(undefined);
  });

  it('tsc refuses a detail shape a code does not declare', () => {
    // Each line below fails to compile without its @ts-expect-error (npm run typecheck checks it).
    // @ts-expect-error CONFLICT declares `field`, not `fields`
    domainError('CONFLICT', 'x', { fields: 'id' });
    // @ts-expect-error NOT_FOUND carries no details
    domainError('NOT_FOUND', 'x', { field: 'id' });
    // @ts-expect-error retryAfter is a number of seconds
    domainError('SERVER_BUSY', 'x', { error: 'x', retryAfter: '2' });
    // @ts-expect-error IDEMPOTENCY_KEY_REUSED carries no details
    httpError('IDEMPOTENCY_KEY_REUSED', 'x', { requiresConfirmation: true });
    expect(true).to.equal(true);
  });
});
