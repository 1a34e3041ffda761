import type { HttpRouteDeps } from '../server.js';
import type { App } from '../types.js';

export async function healthRoutes(_app: App, _deps: HttpRouteDeps & { environment: string }): Promise<void> {
  // TODO
}
