// The real distribution registry, configured to notify a receiver of this server
// (notifications.endpoints), while skopeo pushes to it: the stream tag that follows the pushed tag
// moves to the new digest with the receiver as its cause, and a multi-arch push (one event per
// manifest) costs one check.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { buildOciLayout, type OciLayout } from '../support/oci-images.ts';
import { findExecutable, missingPeer } from '../support/peers.ts';
import { distributionBinary, startDistribution } from '../support/distribution-registry.ts';
import { newestOf, untilStream } from '../support/stream-watch.ts';

const skopeoBinary = findExecutable('skopeo');
const skip =
  missingPeer('skopeo', skopeoBinary, 'apt-get install skopeo') ??
  missingPeer('docker-registry (distribution 2.8)', distributionBinary, 'apt-get install docker-registry');

function skopeo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(skopeoBinary!, ['--insecure-policy', ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const project = 'notified';

describe('notifications from a real distribution registry', { skip }, () => {
  let server: RunningServer;
  let registry: { host: string; stop: () => Promise<void>; log: () => string };
  let first: OciLayout;
  let second: OciLayout;
  const ims = cliSession();
  const run = async (...args: string[]) => {
    const result = await ims.run([...args, '-n', project]);
    assert.equal(result.code, 0, `ims ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const push = async (source: string, destination: string, all = false) => {
    const pushed = await skopeo(['copy', ...(all ? ['--all'] : []), '--dest-tls-verify=false', source, `docker://${registry.host}/${destination}`]);
    assert.equal(pushed.code, 0, pushed.stderr);
  };
  const digestOf = async (reference: string) => {
    const inspected = await skopeo(['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${registry.host}/${reference}`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    return inspected.stdout.trim();
  };
  const imsHeads = (path: string) =>
    registry
      .log()
      .split('\n')
      .filter((line) => line.includes(`"HEAD ${path} `) && !line.includes('skopeo')).length;

  before(async () => {
    first = buildOciLayout('notified-first');
    second = buildOciLayout('notified-second');
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', project])).code, 0);
    const url = (await run('create', 'webhook', 'registry', '--type', 'distribution')).trim().split('\n').at(-1)!;
    registry = await startDistribution({ notify: url, accessLog: true });
  });
  after(async () => {
    await registry?.stop();
    await server?.stop();
  });

  it('moves the tag that follows a pushed tag, with the receiver as the cause', async () => {
    await push(`oci:${first.dir}:single`, 'team/app:1');
    await run('tag', '--source=docker', '--insecure', `${registry.host}/team/app:1`, 'app:1');
    const before = await digestOf('team/app:1');
    await untilStream(server, server.adminToken, project, 'app', (s) => newestOf(s, '1').image === before);
    await push(`oci:${second.dir}:single`, 'team/app:1');
    const after = await digestOf('team/app:1');
    assert.notEqual(after, before);
    const moved = await untilStream(server, server.adminToken, project, 'app', (s) => newestOf(s, '1').image === after);
    assert.equal(newestOf(moved, '1').cause, 'webhook registry');
    assert.match(await run('describe', 'is/app'), /caused by webhook registry/);
  });

  it('checks a multi-arch push once, though the registry notifies for each manifest', async () => {
    await push(`oci:${first.dir}:multi`, 'team/multi:latest', true);
    await run('tag', '--source=docker', '--insecure', `${registry.host}/team/multi:latest`, 'multi:latest');
    const before = await digestOf('team/multi:latest');
    await untilStream(server, server.adminToken, project, 'multi', (s) => newestOf(s, 'latest').cause === 'tag');
    const headsBefore = imsHeads('/v2/team/multi/manifests/latest');
    await push(`oci:${second.dir}:multi`, 'team/multi:latest', true);
    assert.notEqual(await digestOf('team/multi:latest'), before);
    await untilStream(server, server.adminToken, project, 'multi', (s) => newestOf(s, 'latest').cause === 'webhook registry');
    assert.equal(imsHeads('/v2/team/multi/manifests/latest') - headsBefore, 1, 'one HEAD for the pushed tag');
  });
});
