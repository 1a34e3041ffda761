/**
 * Whether an error means "the MongoDB server could not be reached" (down, restarting, network
 * cut, never connected yet) rather than a bug or a refused operation. The HTTP edge answers these
 * with 503 DATABASE_UNAVAILABLE, and start-up tasks that fail with one are retried until the
 * server answers.
 *
 * Recognised by name, so no caller needs the driver in memory: the driver's and mongoose's
 * connectivity errors, and mongoose's "buffering timed out" (an operation issued while the
 * connection is not open waits `bufferTimeoutMS`, then fails with a plain MongooseError).
 * A `DocumentLockTimeoutError` (another process held a document's lock too long) counts too:
 * the database could not serve the write in time. Wrapped errors are followed through `cause`.
 */
const UNREACHABLE =
  /^Mongo(?:ose)?(?:ServerSelection|Network|NetworkTimeout|TopologyClosed|NotConnected|PoolCleared|ServerClosed)Error$/;
const MONGOOSE_NOT_OPEN = /buffering timed out after|before initial connection is complete/;

export function isMongoUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNREACHABLE.test(e.name) || e.name === 'DocumentLockTimeoutError') return true;
    if (e.name === 'MongooseError' && MONGOOSE_NOT_OPEN.test(e.message)) return true;
  }
  return false;
}
