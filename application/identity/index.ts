// The public face of this application context: other contexts import only this file (test/architecture/
// import-cycles.test.ts checks it). Add an export here on purpose when another context needs it.
export type { SecretDigest, UserRepository, UserSegment } from './ports.js';
// The realtime gateway authenticates its connections' tokens like the HTTP API does.
export type { Authenticator } from './ports.js';
export { RecordSearch } from './account.js';
// The notification system sends the account messages: a reset request's link, made when it is sent.
export { IssuePasswordReset, ResetLinks } from './reset-links.js';
