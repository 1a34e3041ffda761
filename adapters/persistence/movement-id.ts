import { randomUUID } from 'node:crypto';

let movementCounter = 0;
/**
 * A fresh movement id (24 hex): time (12), a per-process counter (6), random (6), so movements
 * recorded by one process in the same millisecond still sort in the order they were made.
 */
export function movementId(): string {
  movementCounter = (movementCounter + 1) % 0x1000000;
  return (
    Date.now().toString(16).padStart(12, '0') +
    movementCounter.toString(16).padStart(6, '0') +
    // The first 8 hex digits of a v4 UUID are random; Node draws UUIDs from a buffered pool, where
    // randomBytes(3) asked OpenSSL on every call (about 1% of checkout's CPU).
    randomUUID().slice(0, 6)
  );
}
