// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export type { SearchIndex } from './ports.js';
export { AdvancedSearch, type AdvancedSearchInput, type AdvancedSearchAnswer } from './advanced-search.js';
