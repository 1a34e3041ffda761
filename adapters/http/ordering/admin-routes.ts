import type { HttpRouteDeps } from '../server.js';
import type { App } from '../types.js';

export async function adminOrderRoutes(_app: App, _deps: HttpRouteDeps): Promise<void> {
  // TODO
}

export async function adminAnalyticsRoutes(_app: App, _deps: HttpRouteDeps): Promise<void> {
  // TODO
}
