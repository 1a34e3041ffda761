// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export type { PaymentGateway, PaymentRepository } from './ports.js';
export { PaymentReferences, type PaymentReference } from './references.js';
