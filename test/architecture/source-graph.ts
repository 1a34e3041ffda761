import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The project root, whether this runs from test/ or compiled from dist/test/ (it reads the sources).
const above = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const root = existsSync(join(above, 'README.md')) ? above : resolve(above, '..');

/** Every .ts file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, static or dynamic, type-only included. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The .ts file a relative specifier of `file` names (NodeNext: `./x.js` is `./x.ts`); else undefined. */
export function resolveRelative(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
}

/** One relative import from a file of `sources` to another of them (both as absolute paths). */
export interface FileImport {
  readonly from: string;
  readonly to: string;
}

/** Every relative import between two files of `sources` whose groups differ (e.g. two contexts). */
export function crossImports(
  sources: ReadonlyMap<string, string>,
  groupOf: (file: string) => string,
): FileImport[] {
  const out: FileImport[] = [];
  for (const [from, text] of sources) {
    for (const spec of importsOf(text)) {
      const to = resolveRelative(from, spec);
      if (to !== undefined && sources.has(to) && groupOf(to) !== groupOf(from)) out.push({ from, to });
    }
  }
  return out;
}

/** Node -> the nodes it imports. */
export type ImportGraph = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The import graph of `sources` (path -> text): an edge per relative import between two of them.
 * Imports leaving the set (packages, other folders) are not edges. `nodeOf` groups files into one
 * node (e.g. a folder per context); imports inside a group are then not edges.
 */
export function importGraph(
  sources: ReadonlyMap<string, string>,
  nodeOf: (file: string) => string = (file) => file,
): ImportGraph {
  const graph = new Map<string, Set<string>>();
  const edgesOf = (node: string): Set<string> => {
    const edges = graph.get(node) ?? new Set<string>();
    graph.set(node, edges);
    return edges;
  };
  for (const [file, text] of sources) {
    const edges = edgesOf(nodeOf(file));
    for (const spec of importsOf(text)) {
      const to = resolveRelative(file, spec);
      if (to === undefined || !sources.has(to)) continue;
      if (to === file || nodeOf(to) !== nodeOf(file)) edges.add(nodeOf(to));
    }
  }
  return graph;
}

/**
 * One cycle per strongly connected component that has one (Tarjan), each as the path
 * `a -> b -> ... -> a`, so a failure shows where to cut.
 */
export function cyclesOf(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;

  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = graph.get(node)?.has(node) ?? false;
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);

  return components.map((component) => cycleThrough(graph, new Set(component)));
}

/** A shortest cycle back to the component's first member (sorted), walking only inside it. */
function cycleThrough(graph: ImportGraph, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of [...(graph.get(node) ?? [])].sort()) {
      if (!component.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start]; // unreachable for a real component
}
