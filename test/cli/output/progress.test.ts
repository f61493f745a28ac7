// Progress output: plain lines when standard error is not a terminal (checked in-process), and a
// live line redrawn in place on a real pseudo-terminal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatElapsed, startProgress } from '../../../src/cli/output/progress.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { noTerminal, runOnTerminal } from '../../support/terminal.ts';
import { repoRoot } from '../../support/serve-process.ts';

const node = join(repoRoot, 'node_modules', '.bin', 'node');

function captured(task: Parameters<typeof startProgress>[1]) {
  let text = '';
  let clock = 0;
  const progress = startProgress({ write: (t) => (text += t), now: () => clock }, task);
  return { progress, text: () => text, advance: (ms: number) => (clock += ms) };
}

describe('progress on a pipe', () => {
  it('writes the task, then a counted line per item, then the summary, with no control character', () => {
    const run = captured({ task: 'importing every tag of quay.io/org/app', total: 3 });
    for (const tag of ['latest', '1.1', '1.0']) run.progress.tick(`imported app:${tag}`);
    run.advance(1500);
    run.progress.finish(`imported 3 tags in ${run.progress.elapsed()}`);
    assert.equal(
      run.text(),
      'importing every tag of quay.io/org/app (3) ...\n[1/3] imported app:latest\n[2/3] imported app:1.1\n[3/3] imported app:1.0\nimported 3 tags in 1.5s\n',
    );
  });

  it('writes one line per tenth of the work when items are many', () => {
    const run = captured({ task: 'pruning', total: 1000, plain: 'steps' });
    for (let i = 0; i < 1000; i++) run.progress.tick(`blob ${i}`);
    const lines = run.text().trim().split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[1], '[100/1000] pruning, 0ms');
    assert.equal(lines.at(-1), '[1000/1000] pruning, 0ms');
  });

  it('writes nothing for counts reported from elsewhere: the command prints its items when it knows them', () => {
    const run = captured({ task: 'importing every tag of quay.io/org/app', plain: 'items' });
    run.progress.update(3, 10, 'app:1.2');
    run.progress.finish('imported 10 of 10 tags');
    assert.equal(run.text(), 'importing every tag of quay.io/org/app ...\nimported 10 of 10 tags\n');
  });

  it('stays silent until the summary when asked to', () => {
    const run = captured({ task: 'importing quay.io/org/app:1', plain: 'quiet' });
    run.progress.finish();
    assert.equal(run.text(), '');
  });

  it('tells elapsed time as people read it', () => {
    assert.deepEqual([formatElapsed(850), formatElapsed(12_345), formatElapsed(125_000)], ['850ms', '12.3s', '2m05s']);
  });
});

describe('progress on a terminal', { skip: noTerminal() }, () => {
  it('redraws one line in place with the count, elapsed time and ETA, clears it, and ends with the summary', async () => {
    const script = join(makeTempDir('ims-progress'), 'progress.ts');
    writeFileSync(
      script,
      `import { startProgress } from ${JSON.stringify(join(repoRoot, 'src/cli/output/progress.ts'))};
const progress = startProgress({ write: (t) => process.stderr.write(t), terminal: process.stderr.isTTY ? process.stderr : undefined }, { task: 'copying', total: 4 });
for (const item of ['a', 'b', 'c', 'd']) { await new Promise((r) => setTimeout(r, 50)); progress.tick('item-' + item); }
progress.finish('copied 4 items');
`,
    );
    const { code, output } = await runOnTerminal([node, script]);
    assert.equal(code, 0, output);
    // Redrawn at most five times a second, so which counts are drawn depends on the machine; the last always is.
    assert.match(output, /\x1b\[1Gcopying \[-+\] 0\/4 \| 0s elapsed \| ETA \? \| \x1b\[0K/);
    assert.match(output, /\x1b\[1Gcopying \[=+\] 4\/4 \| \d+s elapsed \| ETA 0ms \| item-d\x1b\[0K/);
    // The terminal is left as it was found, even by a CLI stopped half way: cursor shown, autowrap on.
    assert.doesNotMatch(output, /\x1b\[\?25l|\x1b\[\?7l/);
    // The live line is cleared, so the summary stands alone on the last line.
    assert.match(output, /\x1b\[2Kcopied 4 items\r?\n$/);
  });

  it('turns the elapsed-time line into a counted bar once the work reports how far it is', async () => {
    const script = join(makeTempDir('ims-progress'), 'reported.ts');
    writeFileSync(
      script,
      `import { startProgress } from ${JSON.stringify(join(repoRoot, 'src/cli/output/progress.ts'))};
const progress = startProgress({ write: (t) => process.stderr.write(t), terminal: process.stderr.isTTY ? process.stderr : undefined }, { task: 'importing' });
await new Promise((r) => setTimeout(r, 50));
progress.update(2, 8, 'app:v2');
await new Promise((r) => setTimeout(r, 50));
progress.update(6, 8, 'app:v6');
progress.finish('imported 8 tags');
`,
    );
    const { code, output } = await runOnTerminal([node, script]);
    assert.equal(code, 0, output);
    assert.match(output, /\x1b\[1Gimporting \.\.\. 0s\x1b\[0K/);
    assert.match(output, /\x1b\[1Gimporting \[=+-+\] 2\/8 \| \d+s elapsed \| ETA \S+ \| app:v2\x1b\[0K/);
    assert.match(output, /\x1b\[1Gimporting \[=+-+\] 6\/8 \| \d+s elapsed \| ETA \S+ \| app:v6\x1b\[0K/);
    assert.match(output, /\x1b\[2Kimported 8 tags\r?\n$/);
  });
});
