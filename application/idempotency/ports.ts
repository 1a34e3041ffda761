import { token } from '../shared/token.js';
/**
 * Idempotency keys (issue 4): a client's retry of a POST carrying the same `Idempotency-Key`
 * gets the first response instead of the work being done again. The store remembers, per scoped
 * key, who is working on it (a claim with a lease) and then the response it produced.
 */

/** A response as it was sent, replayed byte for byte. */
export interface StoredResponse {
  readonly statusCode: number;
  /** The serialized body (JSON text for this API). */
  readonly body: string;
  readonly contentType?: string;
}

/**
 * What `claim` found:
 * - `claimed`: no live record existed; the caller now owns the key (with `token`) until
 *   `complete`, `release` or the lease runs out;
 * - `in_progress`: another request holds a live claim (its body's `fingerprint`);
 * - `completed`: the key was used and answered `response` (to a body with `fingerprint`).
 */
export type ClaimOutcome =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'in_progress'; readonly fingerprint: string }
  | { readonly kind: 'completed'; readonly fingerprint: string; readonly response: StoredResponse };

export interface ClaimRequest {
  /** The scoped key: caller (user or IP), method, route and the client's key (already digested). */
  readonly key: string;
  /** Digest of the request's canonical body: the same key with another body is refused. */
  readonly fingerprint: string;
  /** Identifies this claim: only its holder completes or releases it. */
  readonly token: string;
  readonly now: Date;
  /** How long the claim holds without completing (a crashed request frees the key after it). */
  readonly leaseMs: number;
}

/**
 * Claims are atomic: of concurrent claims of one key, exactly one gets `claimed`. An expired
 * claim (lease over) or an expired answer (retention over) counts as no record.
 */
export interface IdempotencyStore {
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /** Stores the answer of a claim held with `token`, kept `retainMs` from `now`; a lost claim is left alone. */
  complete(key: string, token: string, response: StoredResponse, now: Date, retainMs: number): Promise<void>;
  /** Drops a claim held with `token` (the work failed in a way a retry may repeat: 5xx, crash). */
  release(key: string, token: string): Promise<void>;
}
export const IDEMPOTENCY_STORE = token<IdempotencyStore>('IdempotencyStore');

/** Lease of a claim, retention of answers, and how long a concurrent duplicate waits for the first. */
export interface IdempotencySettings {
  readonly leaseMs: number;
  readonly retainMs: number;
  readonly waitMs: number;
}
export const IDEMPOTENCY_SETTINGS = token<IdempotencySettings>('IdempotencySettings');

export const DEFAULT_IDEMPOTENCY_SETTINGS: IdempotencySettings = {
  leaseMs: 60_000,
  retainMs: 24 * 60 * 60 * 1000,
  waitMs: 3_000,
};
