import type { FastifyRequest } from 'fastify';
import { DomainFailure, httpError } from './errors.js';

/**
 * preHandler for destructive admin routes (compat 8): without `X-Admin-Confirmation: confirmed`
 * they answer 400 with `requiresConfirmation: true`.
 */
export async function requireConfirmation(request: FastifyRequest): Promise<void> {
  if (request.headers['x-admin-confirmation'] !== 'confirmed') {
    throw new DomainFailure(
      httpError(
        'CONFIRMATION_REQUIRED',
        'This operation requires confirmation: send the header X-Admin-Confirmation: confirmed',
        { requiresConfirmation: true },
      ),
    );
  }
}
