// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export type { CustomerOrderHistory, PromoCodeRepository } from './ports.js';
export type { PromoEvaluation, PromoEvaluator } from './use-cases.js';
