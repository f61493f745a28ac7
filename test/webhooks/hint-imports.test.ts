import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream, TagReference } from '../../src/kube/kinds/image.ts';
import { HintImports } from '../../src/webhooks/hint-imports.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { sourceDigestsAnnotation } from '../../src/image/bookkeeping-annotations.ts';

const known = `sha256:${'1'.repeat(64)}`;
const moved = `sha256:${'2'.repeat(64)}`;

/** A stream of tags a and b (a imported from `known`), an upstream where everything moved, and a log of what was asked. */
function harness(options: { onImport?: () => Promise<void> } = {}) {
  const stream: ImageStream = {
    metadata: { name: 's', namespace: 'p', annotations: { [sourceDigestsAnnotation]: JSON.stringify({ a: known, b: known }) } },
    spec: { tags: ['a', 'b'].map((name) => ({ name, from: { kind: 'DockerImage', name: `r.example.com/team/${name}:1` } })) },
  };
  const log: string[] = [];
  const imports = new HintImports({
    readStream: async () => stream,
    startRound: () => ({
      changedTags: async (_s, tags: readonly TagReference[]) => {
        log.push(`HEAD ${tags.map((t) => t.name).join(',')}`);
        return tags.map((t) => t.name);
      },
      importTags: async (_n, _s, tags, _signal, cause) => {
        log.push(`import ${tags.map((t) => t.name).join(',')} (${cause})`);
        await options.onImport?.();
      },
    }),
    windowMs: 5,
    logger: silentLogger,
    signal: new AbortController().signal,
  });
  return { imports, log };
}

describe('HintImports', () => {
  it('turns a burst of hints for a stream into one check and one import', async () => {
    const { imports, log } = harness();
    for (let i = 0; i < 5; i++) imports.hint('p', 's', 'a', 'hub');
    imports.hint('p', 's', 'b', 'hub');
    await imports.settled();
    assert.deepEqual(log, ['HEAD a,b', 'import a,b (webhook hub)']);
  });

  it('asks nothing for a tag whose hinted digest is the one it was imported from', async () => {
    const { imports, log } = harness();
    imports.hint('p', 's', 'a', 'hub', known);
    await imports.settled();
    assert.deepEqual(log, []);
    imports.hint('p', 's', 'a', 'hub', moved);
    await imports.settled();
    assert.deepEqual(log, ['HEAD a', 'import a (webhook hub)']);
  });

  it('checks a hint that arrives during an import in a round of its own, after it', async () => {
    let release!: () => void;
    const importing = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const firstImport = new Promise<void>((resolve) => (started = resolve));
    let first = true;
    const { imports, log } = harness({
      onImport: async () => {
        if (!first) return;
        first = false;
        imports.hint('p', 's', 'b', 'quay');
        started();
        await importing;
      },
    });
    imports.hint('p', 's', 'a', 'hub');
    const done = imports.settled();
    await firstImport;
    assert.deepEqual(log, ['HEAD a', 'import a (webhook hub)'], 'the second hint waits for the running import');
    release();
    await done;
    assert.deepEqual(log, ['HEAD a', 'import a (webhook hub)', 'HEAD b', 'import b (webhook quay)']);
  });
});
