import type { RouteOptions } from 'fastify';
import { sensitiveOperation } from './sensitive.js';

/** The signature headers as the OpenAPI document shows them (optional to the validator: a missing one answers 401 SIGNATURE_REQUIRED after authentication, not 400). */
const HEADER_SCHEMAS = {
  'x-signature-timestamp': {
    type: 'string',
    description: 'Request signing: Unix time in seconds; accepted within 5 minutes of the server clock.',
  },
  'x-signature-nonce': {
    type: 'string',
    description:
      'Request signing: 16 to 64 characters of A-Z a-z 0-9 _ -, never accepted twice per signing key.',
  },
  'x-signature': {
    type: 'string',
    description:
      'Request signing: hex HMAC-SHA256, with the signing key, of METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nSHA256_HEX(raw body).',
  },
} as const;

export const SIGNED_OPERATION_NOTE =
  '**Signed request**: needs X-Signature-Timestamp, X-Signature-Nonce and X-Signature ' +
  '(README "Request signing"; key from GET /api/auth/signing-key); else 401 SIGNATURE_REQUIRED, ' +
  'SIGNATURE_INVALID, SIGNATURE_EXPIRED or NONCE_REUSED.';

interface HeadersSchema {
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
  [key: string]: unknown;
}

/**
 * The onRoute step (server.ts) for a sensitive operation (SENSITIVE_OPERATIONS): its schema shows
 * the signature headers and its description says it is signed. Other routes are left as they are.
 */
export function documentSignature(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (!route.schema || route.schema.hide) return;
  if (!methods.some((method) => sensitiveOperation(String(method), route.url) !== null)) return;
  const headers = (route.schema.headers ?? { type: 'object', properties: {} }) as HeadersSchema;
  const description = route.schema.description as string | undefined;
  route.schema = {
    ...route.schema,
    headers: { ...headers, type: 'object', properties: { ...headers.properties, ...HEADER_SCHEMAS } },
    description: description ? `${description}\n\n${SIGNED_OPERATION_NOTE}` : SIGNED_OPERATION_NOTE,
  };
}
