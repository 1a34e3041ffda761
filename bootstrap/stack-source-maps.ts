import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces of the built service name the TypeScript sources, with the source maps read only
 * when a stack is first formatted (issue 14, idle memory).
 *
 * `node --enable-source-maps` reads and decodes every loaded file's map as the file loads: for the
 * bundle (scripts/bundle.ts) about 15 MB resident for the process's whole life, spent on stacks
 * nobody may ever print. This formats stacks as V8 does (each frame's own text), swapping a
 * frame's generated `file:line:column` for its original one; a file's map is read the first time
 * one of its frames is formatted (a logged error, never a request served), and kept.
 *
 * Installed by bootstrap/main.ts only when node maps stacks itself nowhere: not under tsx or
 * `--enable-source-maps` (process.sourceMapsEnabled), which already do it.
 */
export function installLazySourceMaps(under: string): void {
  if (process.sourceMapsEnabled) return;
  const root = resolve(under) + sep;
  const maps = new Map<string, SourceMap | null>();

  const mapOf = (file: string): SourceMap | null => {
    let map = maps.get(file);
    if (map !== undefined) return map;
    map = null;
    try {
      const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload;
      const dir = dirname(file);
      map = new SourceMap({ ...payload, sources: payload.sources.map((s) => resolve(dir, s)) });
    } catch {
      // no map beside it, or unreadable: the frame stays as it is
    }
    maps.set(file, map);
    return map;
  };

  const frame = (site: NodeJS.CallSite): string => {
    const text = site.toString();
    const name = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!name || line === null || column === null) return text;
    const file = name.startsWith('file:') ? fileURLToPath(name) : name;
    if (!file.startsWith(root)) return text;
    const entry = mapOf(file)?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry)) return text;
    const original = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    const generated = `${name}:${line}:${column}`;
    return text.includes(generated) ? text.replace(generated, original) : text;
  };

  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => {
    let head: string;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = '<error>';
    }
    return head + sites.map((site) => `\n    at ${frame(site)}`).join('');
  };
}
