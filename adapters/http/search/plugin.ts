import type { App, HttpRouteDeps } from '../types.js';
import { autocompleteRoutes } from './autocomplete-routes.js';

/** /api/search/*: each part of the search context registers its routes here. */
export async function searchPlugin(app: App, deps: HttpRouteDeps): Promise<void> {
  await app.register(autocompleteRoutes, deps);
}
