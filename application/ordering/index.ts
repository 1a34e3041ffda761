// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export type { OrderListFilter, OrderRepository } from './ports.js';
export { changeOrder } from './change-order.js';
// An order by id or number: the notifications context's admin update about one order.
export { findOrder } from './queries.js';
// The realtime order channel's snapshot is the tracking view (pure).
export { trackingOf } from './tracking.js';
