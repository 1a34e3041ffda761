import type { Model } from 'mongoose';

/**
 * The model's collection, for queries that return a cursor (`find`, `aggregate`). While the
 * connection is not open mongoose buffers collection calls, and a buffered `find` returns no
 * cursor: the caller's `.sort()` throws, and the buffered call later fails with nobody listening
 * — an unhandled rejection that ends the process. So a cursor query on a connection that is not
 * open fails at once, with an error isMongoUnavailable recognises (503, retried start-up tasks).
 */
export function openCollection<T>(model: Model<T>): Model<T>['collection'] {
  if ((model.db.readyState as number) !== 1) {
    const error = new Error('the MongoDB connection is not open');
    error.name = 'MongoNotConnectedError';
    throw error;
  }
  return model.collection;
}
