// Holds the dependency rule of STYLE.md: inner layers never import outer ones, the CLI never
// imports server code nor spells API paths in its commands, and the image domain does no I/O.
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
  registry: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth', 'importer', 'streams', 'api'],
  server: ['lib', 'errors', 'kube', 'image', 'store', 'blobs', 'auth', 'importer', 'streams', 'controllers', 'api', 'registry'],
  cli: ['lib', 'errors', 'kube', 'image'],
  main: ['server', 'cli'],
};

describe('architecture', () => {
  const sources = files(src);

  it('has every source file in a known layer', () => {
    for (const file of sources) assert.ok(allowed[layerOf(file)], `${relative(src, file)} is in no known layer`);
  });

  it('points dependencies inward only', () => {
    const problems: string[] = [];
    for (const file of sources) {
      const layer = layerOf(file);
      for (const match of readFileSync(file, 'utf8').matchAll(/^import .* from '(\.[^']+)';$/gm)) {
        const target = resolve(dirname(file), match[1]);
        const targetLayer = layerOf(target);
        if (targetLayer !== layer && !allowed[layer].includes(targetLayer)) problems.push(`${relative(src, file)} imports ${relative(src, target)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps API paths out of CLI commands, which address kinds through the typed client', () => {
    const commands = files(join(src, 'cli', 'commands')).filter((file) => /\/apis?\//.test(readFileSync(file, 'utf8')));
    assert.deepEqual(commands.map((file) => relative(src, file)), []);
  });

  it('keeps the image domain free of I/O', () => {
    for (const file of sources.filter((f) => layerOf(f) === 'image')) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /from 'node:(fs|net|http|https|child_process)/, relative(src, file));
    }
  });
});
