// The post office's folders form layers (DEVELOPERS.md "Layout and dependency rules"): reading the import
// statements of src/postoffice/** (type-only imports included: they couple the layers just the same), no
// two folders may depend on each other, directly or through others. Known exceptions are listed with the
// reason; once untangled, the test asks for their removal so they cannot come back silently.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../src/postoffice/', import.meta.url));

/** Folder edges allowed for now (from -> to), each with why it is still there. */
const KNOWN_EXCEPTIONS: Array<{ from: string; to: string; reason: string }> = [];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The folder of a file relative to src/postoffice ('.' for the top level). */
function folderOf(file: string): string {
  return path.relative(ROOT, path.dirname(file)).split(path.sep).join('/') || '.';
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function importedSpecifiers(source: string): string[] {
  const pattern = /(?:^|[\s;])(?:import|export)\s[^;'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  const specifiers: string[] = [];
  for (const match of source.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier !== undefined && specifier.startsWith('.')) specifiers.push(specifier);
  }
  return specifiers;
}

interface FolderEdge {
  from: string;
  to: string;
  /** One file-level import that makes the edge, for the failure message. */
  example: string;
}

function folderEdges(): FolderEdge[] {
  const edges = new Map<string, FolderEdge>();
  for (const file of sourceFiles(ROOT)) {
    for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(ROOT)) continue; // config, logger: outside the post office
      const from = folderOf(file);
      const to = folderOf(target);
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, example: `${path.relative(ROOT, file)} imports ${specifier}` });
    }
  }
  return [...edges.values()];
}

/** Strongly connected components with more than one folder (Tarjan): each is a cycle between layers. */
function cycles(edges: readonly FolderEdge[]): string[][] {
  const successors = new Map<string, string[]>();
  for (const edge of edges) {
    successors.set(edge.from, [...(successors.get(edge.from) ?? []), edge.to]);
    if (!successors.has(edge.to)) successors.set(edge.to, []);
  }
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of successors.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of successors.keys()) if (!index.has(node)) visit(node);
  return components;
}

const isKnownException = (edge: FolderEdge) => KNOWN_EXCEPTIONS.some((known) => known.from === edge.from && known.to === edge.to);

describe('post office layering', () => {
  const edges = folderEdges();

  it('reads the imports it checks', () => {
    // A guard against a broken scan passing vacuously: these edges are the post office's backbone.
    expect(edges.some((edge) => edge.from === 'smtp' && edge.to === 'store')).toBe(true);
    expect(edges.some((edge) => edge.from === 'imap/commands' && edge.to === 'imap/protocol')).toBe(true);
  });

  it('has no import cycle between folders (each folder depends only downward)', () => {
    const checked = edges.filter((edge) => !isKnownException(edge));
    const found = cycles(checked).map((component) => {
      const inside = checked.filter((edge) => component.includes(edge.from) && component.includes(edge.to));
      return `${component.join(' <-> ')}:\n${inside.map((edge) => `    ${edge.from} -> ${edge.to} (${edge.example})`).join('\n')}`;
    });
    expect(found, `import cycles between post office folders:\n${found.join('\n')}`).toEqual([]);
  });

  it('lists only exceptions that still exist (remove one once it is untangled)', () => {
    const stale = KNOWN_EXCEPTIONS.filter((known) => !edges.some((edge) => edge.from === known.from && edge.to === known.to));
    expect(stale.map((known) => `${known.from} -> ${known.to}`)).toEqual([]);
  });
});
