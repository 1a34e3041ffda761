import type { App, HttpRouteDeps } from '../types.js';
import { registerPushRoutes } from './push-routes.js';
import { registerBulkRoutes } from './bulk-routes.js';
import { notificationRoutes } from './routes.js';
import { unsubscribeRoutes } from './unsubscribe-routes.js';

/**
 * Everything under /api/notifications, one plugin: the sends, templates and history
 * (routes.ts), the push subscription routes, the bulk sends and the one-click unsubscribe.
 */
export async function notificationsPlugin(app: App, deps: HttpRouteDeps): Promise<void> {
  // Only the dependencies: this plugin's own prefix must not be applied twice.
  const { resolve, limits } = deps;
  await app.register(notificationRoutes, { resolve, limits });
  registerPushRoutes(app, deps);
  registerBulkRoutes(app, deps);
  // Its own scope: it takes any body (a mail client's one-click form) without touching the others.
  await app.register(unsubscribeRoutes, { resolve, limits });
}
