/**
 * A module resolve hook (node:module `register`) that appends every resolved URL to a file,
 * synchronously in the hooks thread before the import it serves completes: how the start tests see
 * which modules a process loaded, ESM included (`require.cache` sees CommonJS only, and the Stripe
 * SDK and typebox load as ESM). `registerRecorder(file)` is the statement that installs it, for a
 * script or `--import`.
 */
const RECORD_HOOK = [
  "import { appendFileSync } from 'node:fs';",
  'let file;',
  'export function initialize(data) { file = data.file; }',
  'export async function resolve(specifier, context, next) {',
  '  const resolved = await next(specifier, context);',
  "  appendFileSync(file, resolved.url + '\\n');",
  '  return resolved;',
  '}',
].join('\n');

/** JavaScript (an ES module's statements) registering the recorder, writing to `file`. */
export function registerRecorder(file: string): string {
  return (
    "import { register } from 'node:module'; " +
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(RECORD_HOOK)}`)}, ` +
    `{ data: { file: ${JSON.stringify(file)} } });`
  );
}
