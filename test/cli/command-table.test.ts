import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commandGroups, commandTable, findCommand } from '../../src/cli/command-table.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const repo = join(import.meta.dirname, '..', '..');
const node = join(repo, 'node_modules', '.bin', 'node');

/** The modules of this checkout (and packages) `ims ARGS` loads, as a module hook sees them load. */
async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const dir = makeTempDir('ims-modules');
  const hook = join(dir, 'hook.mjs');
  const trace = join(dir, 'trace.txt');
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\n` +
      `registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(trace)}, url + '\\n'); return next(url, context); } });\n`,
  );
  writeFileSync(trace, '');
  await promisify(execFile)(node, ['--disable-warning=ExperimentalWarning', '--import', hook, join(repo, 'src', 'main.ts'), ...args], {
    env: { ...process.env, IMS_CONFIG: join(dir, 'config.json') },
  });
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => (url.includes('/node_modules/') ? url.slice(url.lastIndexOf('/node_modules/') + 1) : url.slice(url.indexOf('/src/') + 1)));
}

describe('command table', () => {
  it('names each command by its own path and summary, and loads it', async () => {
    for (const entry of commandTable) {
      const command = await entry.load();
      assert.equal(command.path, entry.path);
      assert.equal(command.summary, entry.summary, entry.path);
    }
  });

  it('finds the longest command the words name, and the groups the paths make', () => {
    assert.equal(findCommand(['create', 'secret', 'generic', 'x'])?.path, 'create secret generic');
    assert.equal(findCommand(['create', '-f', 'x.yaml'])?.path, 'create');
    assert.equal(findCommand(['get', 'create'])?.path, 'get');
    assert.equal(findCommand(['frobnicate']), undefined);
    for (const group of ['set', 'policy', 'adm', 'adm groups', 'create secret', 'secrets']) assert.ok(commandGroups().includes(group), group);
  });

  it('loads only the command that runs, and no YAML parser for a table', async () => {
    const get = await modulesLoadedBy(['get', '--help']);
    assert.deepEqual(
      get.filter((m) => m.startsWith('src/cli/commands/')),
      ['src/cli/commands/get.ts'],
    );
    assert.ok(!get.some((m) => m.startsWith('src/server/') || m.startsWith('src/api/')), 'no server code');
    assert.ok(!get.some((m) => m.startsWith('node_modules/yaml/')), 'no yaml');
    const help = await modulesLoadedBy(['--help']);
    assert.deepEqual(
      help.filter((m) => m.startsWith('src/cli/commands/')),
      [],
    );
  });
});
