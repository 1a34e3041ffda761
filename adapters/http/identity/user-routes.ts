import type { HttpRouteDeps } from '../server.js';
import type { App } from '../types.js';

export async function userRoutes(_app: App, _deps: HttpRouteDeps): Promise<void> {
  // TODO: routes of this context
}
