// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Realtime reacts to other contexts' events (its handlers, bound by
// bootstrap/modules/events.ts) and is driven by the transports in adapters/realtime.
export * from './ports.js';
export * from './messages.js';
export * from './gateway.js';
