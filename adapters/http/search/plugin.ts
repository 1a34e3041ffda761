import type { App, HttpRouteDeps } from '../types.js';
import { registerRecordsRoutes } from './records-routes.js';

/** /api/search/*: each part of the search context registers its routes here. */
export async function searchPlugin(app: App, deps: HttpRouteDeps): Promise<void> {
  registerRecordsRoutes(app, deps);
}
