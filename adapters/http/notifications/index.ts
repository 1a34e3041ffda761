import type { App, HttpRouteDeps } from '../types.js';
import { registerPushRoutes } from './push-routes.js';

/** The notifications plugin, mounted at /api/notifications: Web Push subscriptions (push-routes.ts). */
export async function notificationRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  registerPushRoutes(app, deps);
}
