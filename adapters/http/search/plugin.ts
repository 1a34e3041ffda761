import type { App, HttpRouteDeps } from '../types.js';

/** /api/search/*: each part of the search context registers its routes here. */
export async function searchPlugin(_app: App, _deps: HttpRouteDeps): Promise<void> {}
