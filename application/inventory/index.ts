// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export type { StockReservation, StockReservationRepository, StockStore } from './ports.js';
export type { StockHold } from './stock-hold.js';
// The notification system sends the back-in-stock messages (bound to this port in bootstrap).
export type { BackInStockMessage, BackInStockMessages } from './ports.js';
