// Holds the dependency rule of STYLE.md: inner layers never import outer ones, neither the registry
// face nor the controllers reach into the API face, no files import each other in a cycle, the CLI
// never imports server code nor spells API paths in its commands, and the image domain does no I/O.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const src = join(import.meta.dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The relative modules a source imports or re-exports, type-only ones included (STYLE.md: no two
 * files import each other). A statement may span lines, as a formatter writes a long one.
 */
function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s*)?(['"])(\.{1,2}\/[^'"]+)\1/gm)].map((match) => match[2]);
}

/** Each source file's imports, as absolute paths. */
function importGraph(sources: readonly string[]): Map<string, string[]> {
  return new Map(sources.map((file) => [file, importsOf(readFileSync(file, 'utf8')).map((target) => resolve(dirname(file), target))]));
}

/** The strongly connected components of more than one file (Tarjan's algorithm): each is a cycle, or several sharing files. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    lowLink.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(target)!));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

function layerOf(path: string): string {
  const rel = relative(src, path);
  return rel.includes('/') ? rel.split('/')[0] : rel.replace(/\.ts$/, '');
}

/** What each layer may import, besides itself. */
const allowed: Record<string, string[]> = {
  lib: [],
  errors: ['lib'],
  kube: ['lib', 'errors'],
  image: ['lib', 'errors', 'kube'],
  store: ['lib', 'errors', 'kube'],
  blobs: ['lib', 'errors', 'kube', 'image'],
  auth: ['lib', 'errors', 'kube', 'store'],
  importer: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth'],
  streams: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth', 'importer'],
  controllers: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth', 'importer', 'streams'],
  api: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth', 'importer', 'streams'],
  registry: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth', 'importer', 'streams'],
  // The adapter to a real cluster: it serves the API's workload kinds from the cluster, feeds the trigger controller, and reviews admissions.
  cluster: ['lib', 'errors', 'kube', 'image', 'store', 'auth', 'streams', 'controllers', 'api'],
  server: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth', 'importer', 'streams', 'controllers', 'api', 'registry', 'cluster'],
  cli: ['lib', 'errors', 'kube', 'image'],
  main: ['server', 'cli'],
};

describe('architecture', () => {
  const sources = files(src);
  const graph = importGraph(sources);
  const importers = (from: string, to: string) =>
    [...graph].flatMap(([file, targets]) =>
      layerOf(file) === from ? targets.filter((t) => layerOf(t) === to).map((t) => `${relative(src, file)} imports ${relative(src, t)}`) : [],
    );

  it('has every source file in a known layer', () => {
    for (const file of sources) assert.ok(allowed[layerOf(file)], `${relative(src, file)} is in no known layer`);
  });

  it('points dependencies inward only', () => {
    const problems: string[] = [];
    for (const [file, targets] of graph) {
      const layer = layerOf(file);
      for (const target of targets) {
        const targetLayer = layerOf(target);
        if (targetLayer !== layer && !allowed[layer].includes(targetLayer)) problems.push(`${relative(src, file)} imports ${relative(src, target)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps the registry face out of the API face: both call the streams layer', () => {
    assert.deepEqual(importers('registry', 'api'), []);
  });

  it('keeps the controllers out of the API face', () => {
    assert.deepEqual(importers('controllers', 'api'), []);
  });

  it('has no import cycle between files, of two files or more', () => {
    // Each entry lists files that reach one another through their imports; break the cycle by moving the piece they share into a module of its own.
    const cycles = importCycles(graph).map((cycle) => cycle.map((file) => relative(src, file)).join(', '));
    assert.deepEqual(cycles, [], `files that import each other in a cycle:\n${cycles.join('\n')}`);
  });

  it('finds every import: split over lines, type-only, re-exported', () => {
    const source = [
      "import type { A } from './a.ts';",
      'import {',
      '  b,',
      '  c,',
      "} from '../b.ts';",
      "export { d } from './d.ts';",
      "import './e.ts';",
      "import { f } from 'node:fs';",
      "const g = 'from ./x.ts';",
      'import { h } from "./h.ts";',
    ].join('\n');
    assert.deepEqual(importsOf(source), ['./a.ts', '../b.ts', './d.ts', './e.ts', './h.ts']);
  });

  it('reports a cycle with all its files', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    assert.deepEqual(importCycles(graph), [['a', 'b', 'c']]);
  });

  it('keeps API paths out of CLI commands, which address kinds through the typed client', () => {
    const commands = files(join(src, 'cli', 'commands')).filter((file) => /\/apis?\//.test(readFileSync(file, 'utf8')));
    assert.deepEqual(
      commands.map((file) => relative(src, file)),
      [],
    );
  });

  it('keeps the image domain free of I/O', () => {
    for (const file of sources.filter((f) => layerOf(f) === 'image')) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /from 'node:(fs|net|http|https|child_process)/, relative(src, file));
    }
  });
});
