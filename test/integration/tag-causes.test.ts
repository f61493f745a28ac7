// Every tag history item says what put its image there (imagestream.io/cause), whichever way it
// came: a push to the integrated registry, import-image, the import of a spec tag just set, and
// the scheduled re-import of a tag that moved.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { newestOf, untilStream } from '../support/stream-watch.ts';

describe('the causes of tag history items', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const ims = cliSession();
  const run = async (...args: string[]) => {
    const result = await ims.run([...args, '-n', 'causes']);
    assert.equal(result.code, 0, `ims ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const until = (name: string, tag: string, cause: string) => untilStream(server, server.adminToken, 'causes', name, (s) => newestOf(s, tag).cause === cause);

  before(async () => {
    upstream = await startFakeUpstream();
    server = await startServer(['--import-interval', '1s']);
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', 'causes'])).code, 0);
  });
  after(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  it('records push for a push to the registry', async () => {
    await pushOverHttp(server.url, server.adminToken, 'causes/pushed', 'v1', 'pushed');
    await until('pushed', 'v1', 'push');
  });

  it('records import-image for an import asked for now', async () => {
    putImage(upstream, 'team/now', '1', 'now');
    await run('import-image', 'now:1', `--from=${upstream.host}/team/now:1`, '--confirm', '--insecure');
    await until('now', '1', 'import-image');
  });

  it('records tag for the import of a spec tag just set, and schedule for its scheduled re-import once it moved', async () => {
    putImage(upstream, 'team/sched', '1', 'first');
    await run('tag', '--source=docker', '--scheduled', '--insecure', `${upstream.host}/team/sched:1`, 'sched:1');
    await until('sched', '1', 'tag');
    const moved = putImage(upstream, 'team/sched', '1', 'second');
    const stream = await until('sched', '1', 'schedule');
    assert.equal(newestOf(stream, '1').image, moved);
    assert.match(await run('describe', 'is/sched'), /caused by schedule[\s\S]*caused by tag/);
  });

  it('records tag for a tag copied from another tag with ims tag', async () => {
    await pushOverHttp(server.url, server.adminToken, 'causes/python', '3.12', 'python');
    await until('python', '3.12', 'push');
    await run('tag', 'python:3.12', 'python:stable');
    const stream = await until('python', 'stable', 'tag');
    assert.equal(newestOf(stream, 'stable').image, newestOf(stream, '3.12').image);
    assert.match(await run('describe', 'is/python'), /3\.12\n[\s\S]*caused by push[\s\S]*stable\n[\s\S]*caused by tag/);
  });
});
