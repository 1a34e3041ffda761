// The analytics context's public face: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export type { AnalyticsQueries } from './ports.js';
