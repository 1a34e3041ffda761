import { ForgetOlderRecords } from './retention.js';

/**
 * Keeps the handled-event record bounded: a (handler, event) pair completed more than
 * `retentionMs` ago is forgotten. A redelivery is what the record guards against, and one only
 * comes while the event is still pending in its outbox (the sweeper, every EVENT_SWEEP_INTERVAL_MS)
 * or in flight: far shorter than the retention. An event left pending longer than the retention
 * (a handler failing for that long) would run its completed handlers again.
 */
export class ForgetHandledEvents extends ForgetOlderRecords {
  protected readonly forgottenMessage = 'handled events forgotten';
}
