// Long CLI work against a real server shows progress: live on a pseudo-terminal, plain counted lines
// on a pipe, a summary at the end of both; and a registry that never answers is reported, with its
// host, within the configured timeout rather than after a silent wait.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { imsBin, startServer, type RunningServer } from '../support/serve-process.ts';
import { cliProcess } from '../support/run-cli.ts';
import { putImage, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { noTerminal, runOnTerminal } from '../support/terminal.ts';
import { untilStream } from '../support/stream-watch.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { join } from 'node:path';

const control = /[\x00-\x08\x0b-\x1f\x7f]/;

describe('progress of long CLI work', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  let hung: TcpServer;
  const sockets = new Set<Socket>();
  // The real bin/ims: what it prints depends on whether its standard error is a pipe or a terminal.
  const ims = cliProcess();
  const env = () => ({ ...process.env, IMS_CONFIG: ims.configPath, IMS_SERVER: '', IMS_TOKEN: '' });
  // 60 semantic versions, latest and a branch tag: in string order the first 50 would be latest,
  // nightly, v1.0.0, v1.1.0, v1.10.0…; OpenShift's order takes latest and the 49 newest versions.
  const versions = Array.from({ length: 60 }, (_, i) => `v1.${i}.0`);
  before(async () => {
    upstream = await startFakeUpstream();
    for (const tag of ['latest', 'nightly', ...versions]) putImage(upstream, 'org/app', tag, `app-${tag}`);
    hung = createTcpServer((socket) => {
      // Takes the connection and never answers.
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    server = await startServer(['--upstream-connect-timeout', '1s', '--upstream-response-timeout', '1s']);
    await ims.run(['login', server.url, '--token', server.adminToken]);
  });
  after(async () => {
    await server.stop();
    await upstream.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
  });

  it('imports the 50 tags OpenShift picks with --all, one counted line each and a summary, on a pipe', async () => {
    const imported = await ims.run(['import-image', 'mirror', `--from=${upstream.host}/org/app`, '--all', '--confirm', '--insecure']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.doesNotMatch(imported.stderr, control);
    const lines = imported.stderr.trimEnd().split('\n');
    assert.equal(lines[0], `importing every tag of ${upstream.host}/org/app ...`);
    const expected = ['latest', ...versions.slice(-49).reverse()];
    assert.deepEqual(
      lines.slice(1, 51).map((line) => /^\[(\d+)\/50\] imported mirror:(\S+) sha256:[0-9a-f]{64}$/.exec(line)?.slice(1)),
      expected.map((tag, i) => [String(i + 1), tag]),
    );
    assert.match(lines[51], /^imported 50 of 50 tags in \d+(\.\d)?m?s; 12 more tags not imported \(the server's limit\)$/);
    assert.equal(lines.length, 52);
    // Standard output is oc's account, untouched by progress.
    assert.match(imported.stdout, /^imagestream\.image\.openshift\.io\/mirror imported\n/);
    assert.match(imported.stdout, /additional tags which were not imported: .*nightly/);
    const tags = (await ims.run(['get', 'is', 'mirror', '-o', 'jsonpath={.status.tags[*].tag}'])).stdout.split(' ');
    assert.deepEqual(tags.sort(), [...expected].sort());
  });

  it('shows a live line while importing on a terminal, then the same summary', { skip: noTerminal() }, async () => {
    const { code, output } = await runOnTerminal([imsBin, 'import-image', 'mirror2', `--from=${upstream.host}/org/app`, '--all', '--confirm', '--insecure'], {
      env: env(),
    });
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`\\x1b\\[1Gimporting every tag of ${upstream.host.replace(/\./g, '\\.')}/org/app \\.\\.\\. \\d+s\\x1b\\[0K`));
    assert.match(output, /\x1b\[2K/, 'the live line is cleared');
    assert.match(output, /\[50\/50\] imported mirror2:v1\.11\.0 sha256:/);
    assert.match(output, /imported 50 of 50 tags in \S+; 12 more tags not imported/);
  });

  it('records a repository in batches as its tags finish, each with how far it is, ending in the same stream', async () => {
    assert.equal((await ims.run(['create', 'imagestream', 'watched'])).code, 0);
    const seen: { done: number; total: number; tag: string; tags: string[] }[] = [];
    const finished = untilStream(server, server.adminToken, 'default', 'watched', (stream) => {
      const progress = stream.metadata.annotations?.['imagestream.io/import-progress'];
      if (progress)
        seen.push({ ...(JSON.parse(progress) as { done: number; total: number; tag: string }), tags: (stream.status?.tags ?? []).map((t) => t.tag) });
      return !progress && (stream.status?.tags?.length ?? 0) === 50;
    });
    const imported = await ims.run(['import-image', 'watched', `--from=${upstream.host}/org/app`, '--all', '--confirm', '--insecure']);
    assert.equal(imported.code, 0, imported.stderr);
    const final = await finished;
    const expected = ['latest', ...versions.slice(-49).reverse()];
    assert.ok(seen.length >= 2, `batches were written as the import went: ${JSON.stringify(seen.map((s) => s.done))}`);
    for (const [i, batch] of seen.entries()) {
      assert.equal(batch.total, 50);
      assert.ok(batch.done < 50 && (i === 0 || batch.done > seen[i - 1].done), JSON.stringify(seen.map((s) => s.done)));
      // What a batch holds is the first tags in OpenShift's order, the last one named.
      assert.deepEqual(batch.tags.sort(), expected.slice(0, batch.done).sort());
      assert.equal(batch.tag, expected[batch.done - 1]);
    }
    assert.deepEqual((final.status?.tags ?? []).map((t) => t.tag).sort(), [...expected].sort());
    assert.deepEqual(
      (final.spec.tags ?? []).map((t) => t.name),
      expected.slice().sort((a, b) => (a < b ? -1 : 1)),
    );
    assert.equal(final.metadata.annotations?.['imagestream.io/import-progress'], undefined, 'the last write ends the progress');
    assert.doesNotMatch((await ims.run(['describe', 'is/watched'])).stdout, /import-progress/);
  });

  it('prints the imported stream with -o, and no progress or summary', async () => {
    const json = await ims.run(['import-image', 'printed', `--from=${upstream.host}/org/app`, '--all', '--confirm', '--insecure', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, '');
    const stream = JSON.parse(json.stdout) as { kind: string; metadata: { name: string }; status: { tags: { tag: string }[] } };
    assert.equal(stream.kind, 'ImageStream');
    assert.equal(stream.metadata.name, 'printed');
    assert.equal(stream.status.tags.length, 50);
    const name = await ims.run(['import-image', 'printed:latest', '-o', 'name']);
    assert.deepEqual(name, { code: 0, stdout: 'imagestream.image.openshift.io/printed\n', stderr: '' });
    const yaml = await ims.run(['import-image', 'printed:latest', '-o', 'yaml']);
    assert.match(yaml.stdout, /^apiVersion: image\.openshift\.io\/v1\nkind: ImageStream\n/);
    assert.equal(yaml.stderr, '');
    const bad = await ims.run(['import-image', 'printed:latest', '-o', 'table']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: unable to match a printer suitable for the output format "table"/);
  });

  it('counts the tags live on a terminal as the server records them, with elapsed time and ETA', { skip: noTerminal() }, async () => {
    const tags = Array.from({ length: 8 }, (_, i) => `1.${i}`);
    for (const tag of tags) putImage(upstream, 'org/slow', tag, `slow-${tag}`);
    // A registry that takes its time over each manifest, as a far one does: the import lasts long enough to be watched.
    const slow = createHttpServer((req, res) => {
      setTimeout(
        () => {
          void fetch(`http://${upstream.host}${req.url}`, { method: req.method, headers: { accept: req.headers.accept ?? '*/*' } }).then(async (answer) => {
            res.writeHead(answer.status, Object.fromEntries(answer.headers));
            res.end(Buffer.from(await answer.arrayBuffer()));
          });
        },
        /\/manifests\//.test(req.url ?? '') ? 150 : 0,
      );
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(slow.address() as { port: number }).port}`;
      const { code, output } = await runOnTerminal([imsBin, 'import-image', 'slow', `--from=${host}/org/slow`, '--all', '--confirm', '--insecure'], {
        env: env(),
      });
      assert.equal(code, 0, output);
      const task = `importing every tag of ${host.replace(/\./g, '\\.')}/org/slow`;
      assert.match(output, new RegExp(`\\x1b\\[1G${task} \\.\\.\\. \\d+s\\x1b\\[0K`), 'the wait before the first tag is recorded');
      const counts = [
        ...output.matchAll(new RegExp(`\\x1b\\[1G${task} \\[[=-]+\\] (\\d)/8 \\| \\d+s elapsed \\| ETA \\S+ \\| slow:1\\.\\d\\x1b\\[0K`, 'g')),
      ].map((m) => Number(m[1]));
      assert.ok(
        counts.some((n) => n < 8),
        `counts drawn while the import ran: ${JSON.stringify(counts)}\n${output}`,
      );
      assert.match(output, /\x1b\[2K\[1\/8\] imported slow:1\.7 sha256:/, 'the live line is cleared, then the counted lines');
      assert.match(output, /imported 8 of 8 tags in \S+\r\n/);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('shows a live line while a backup is taken on a terminal, and nothing more on a pipe', async () => {
    const dir = makeTempDir('ims-progress-backup');
    const piped = await ims.run(['adm', 'backup', '--to', join(dir, 'piped.db')]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '');
    assert.match(piped.stdout, /^Backed up the store at resourceVersion \d+ to /);
    if (noTerminal()) return;
    const live = await runOnTerminal([imsBin, 'adm', 'backup', '--to', join(dir, 'live.db')], { env: env() });
    assert.equal(live.code, 0, live.output);
    assert.match(live.output, /\x1b\[1Gbacking up the store to \S+live\.db \.\.\. \d+s\x1b\[0K/);
    // The live line is gone before the answer is printed.
    assert.match(live.output, /\x1b\[2KBacked up the store at resourceVersion \d+ to /);
  });

  it('reports a registry that takes the connection and never answers within the configured timeout, naming it', async () => {
    const host = `127.0.0.1:${(hung.address() as { port: number }).port}`;
    for (const insecure of [[], ['--insecure']]) {
      const failed = await ims.run(['import-image', `stuck${insecure.length}:1`, `--from=${host}/org/app:1`, '--confirm', ...insecure]);
      assert.equal(failed.code, 1, failed.stdout);
      // The 1s timeout fired (not the four-timeout budget of a whole answer), and the message names the host.
      assert.match(
        failed.stderr,
        new RegExp(`^error: tag 1 failed: ${host}/org/app:1: ${host}: the registry did not answer in time \\(.*timeout: 1000ms\\)\\)\\n$`),
      );
    }
  });

  it('prunes with a live bar on a terminal and counted steps on a pipe, each ending with a summary', async () => {
    for (let i = 0; i < 6; i++) await pushOverHttp(server.url, server.adminToken, 'default/pruned', 'latest', `rev-${i}`);
    const pruned = await ims.run(['adm', 'prune', 'images', '--keep-tag-revisions=4', '--keep-younger-than=0s', '--confirm']);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.doesNotMatch(pruned.stderr, control);
    const lines = pruned.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'Reading stored blobs, image streams, images and workloads ...');
    assert.match(lines[1], /^Pruning image streams, images and blobs \(\d+\) \.\.\.$/);
    assert.match(lines.at(-2)!, /^\[(\d+)\/\1\] Pruning image streams, images and blobs, \S+$/);
    assert.match(lines.at(-1)!, /^pruned 2 tag revisions, 2 images and \d+ blobs in \S+$/);

    if (noTerminal()) return;
    for (let i = 0; i < 3; i++) await pushOverHttp(server.url, server.adminToken, 'default/pruned', 'latest', `more-${i}`);
    const live = await runOnTerminal([imsBin, 'adm', 'prune', 'images', '--keep-tag-revisions=1', '--keep-younger-than=0s', '--confirm'], { env: env() });
    assert.equal(live.code, 0, live.output);
    assert.match(live.output, /\x1b\[1GPruning image streams, images and blobs \[[=-]+\] \d+\/\d+ \| \d+s elapsed \| ETA \S+ \| /);
    assert.match(live.output, /\x1b\[2Kpruned 6 tag revisions, 6 images and \d+ blobs in \S+\r\n/);
  });
});
