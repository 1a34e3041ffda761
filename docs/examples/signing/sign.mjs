/* global fetch */
// Sends one signed request (README "Request signing") with Node 20, no dependencies.
//   API=http://localhost:5000 TOKEN=<bearer token> SIGNING_KEY=<key> node sign.mjs METHOD PATH [BODY] [HEADER]
// API_KEY=<secret> instead of TOKEN authenticates with X-API-Key. Prints the answer's body, then
// its status on the last line.
import { createHash, createHmac, randomBytes } from 'node:crypto';

const [method, path, body = '', extra] = process.argv.slice(2);
const { API, TOKEN, API_KEY, SIGNING_KEY } = process.env;

const timestamp = String(Math.floor(Date.now() / 1000));
const nonce = randomBytes(16).toString('hex');
const bodyHash = createHash('sha256').update(body, 'utf8').digest('hex');
const canonical = [method, path, timestamp, nonce, bodyHash].join('\n');
const signature = createHmac('sha256', SIGNING_KEY).update(canonical, 'utf8').digest('hex');

const headers = {
  'X-Signature-Timestamp': timestamp,
  'X-Signature-Nonce': nonce,
  'X-Signature': signature,
  ...(API_KEY ? { 'X-API-Key': API_KEY } : { Authorization: `Bearer ${TOKEN}` }),
  ...(body ? { 'Content-Type': 'application/json' } : {}),
};
if (extra) {
  const at = extra.indexOf(':');
  headers[extra.slice(0, at).trim()] = extra.slice(at + 1).trim();
}
// The body is sent exactly as signed (a string, not re-serialized).
const response = await fetch(`${API}${path}`, { method, headers, ...(body ? { body } : {}) });
console.log(await response.text());
console.log(response.status);
