// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
// Notifications reacts to other contexts' events; nothing calls into it. Its handlers (bound by
// bootstrap/modules/events.ts) are its face.
export {
  SendMailWhenOrderExpired,
  SendMailWhenOrderPlaced,
  SendMailWhenOrderStatusChanged,
} from './order-mails.js';
