import { Type } from '@fastify/type-provider-typebox';
import { SetUserRole } from '../../../application/identity/admin-accounts.js';
import { unwrap } from '../errors.js';
import { bearerAuth, errors, IdParams, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';
import { presentUser, UserSchema } from './presenter.js';

/**
 * /api/admin/users: the admin scope's guard and audit trail already ran. Granting a role is an
 * admin's act (or the CLI's `user:role`): no shopper-facing route can set one.
 */
export async function adminUserRoleRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const setRole = deps.resolve.get(SetUserRole);

  app.put(
    '/:id/role',
    {
      config: { audit: { action: 'update', resource: 'user' } },
      schema: {
        tags: ['admin'],
        summary: "Set a user's role (user, admin, courier)",
        description:
          "A courier records delivery updates (PUT /orders/:id/delivery) and reads any order's tracking; " +
          'every other admin route answers a courier 403.',
        security: bearerAuth,
        params: IdParams,
        body: Type.Object(
          { role: Type.Union([Type.Literal('user'), Type.Literal('admin'), Type.Literal('courier')]) },
          { additionalProperties: false },
        ),
        response: { 200: success({ user: UserSchema }), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const user = unwrap(await setRole.execute({ user: request.params.id, role: request.body.role }));
      return {
        status: 'success' as const,
        message: `Role set to ${user.role}`,
        data: { user: presentUser(user) },
      };
    },
  );
}
