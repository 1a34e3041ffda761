import type { App, HttpRouteDeps } from '../types.js';
import { autocompleteRoutes } from './autocomplete-routes.js';
import { registerRecordsRoutes } from './records-routes.js';

/** /api/search/*: each part of the search context registers its routes here. */
export async function searchPlugin(app: App, deps: HttpRouteDeps): Promise<void> {
  // Only the dependencies: this plugin's own prefix (/search) must not be applied twice.
  const { resolve, limits } = deps;
  await app.register(autocompleteRoutes, { resolve, limits });
  registerRecordsRoutes(app, { resolve, limits });
}
