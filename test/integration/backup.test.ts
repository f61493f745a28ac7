// Backups as the README's "Backups" describes them: `ims adm backup` (a consistent snapshot the
// running server takes of its store) and then a copy of the blobs, restored into a new data dir that
// a new server serves; and the etcd equivalent with etcdctl's snapshots.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { startEtcd, etcdBinary, etcdctlBinary, type EtcdCluster } from '../support/etcd.ts';
import { missingPeer } from '../support/peers.ts';

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const api = (server: RunningServer, token: string, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { password: `p-${name}` } });
/** Runs one of the README's shell lines in `dir`. */
const sh = (dir: string, script: string, ...args: string[]) => execFileSync('sh', ['-c', script, 'sh', ...args], { cwd: dir, encoding: 'utf8' });

describe('ims adm backup and a restore', () => {
  let server: RunningServer;
  const ims = cliSession();
  let layer: string;
  before(async () => {
    server = await startServer();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    await pushOverHttp(server.url, server.adminToken, 'default/app', 'v1', 'app-v1');
    layer = sha256('layer for app-v1');
    assert.equal((await api(server, server.adminToken, 'POST', '/api/v1/namespaces/default/secrets', secret('kept'))).status, 201);
  });
  after(async () => {
    await server?.stop();
  });

  it('snapshots the store while the server takes writes; a new data dir restored from it serves the objects and the blobs', async () => {
    const dir = makeTempDir('ims-backup');
    // Writes go on during the backup, one after the other: any consistent state holds a gapless run of them.
    let writing = true;
    const writes = (async () => {
      for (let n = 0; writing; n++)
        assert.equal((await api(server, server.adminToken, 'POST', '/api/v1/namespaces/default/secrets', secret(`during-${n}`))).status, 201);
    })();
    const backup = await ims.run(['adm', 'backup', '--to', join(dir, 'ims-backup.db')]);
    writing = false;
    await writes;
    assert.equal(backup.code, 0, backup.stderr);
    const blobs = join(server.dataDir, 'blobs', 'blobs');
    assert.match(
      backup.stdout,
      new RegExp(
        `^Backed up the store at resourceVersion \\d+ to ${join(dir, 'ims-backup.db')} \\(.+\\)\\.\\nThe blobs are not in it: copy ${blobs} from the server's machine now, after this snapshot`,
      ),
    );
    assert.equal(statSync(join(dir, 'ims-backup.db')).mode & 0o777, 0o600, 'it holds every secret');
    assert.equal(existsSync(join(dir, 'ims-backup.db.partial')), false);
    // Then the blobs, and the restore, as the README says.
    sh(dir, 'cp -a "$1" ims-backup-blobs', blobs);
    sh(dir, 'mkdir -m 700 restored restored/blobs && cp ims-backup.db restored/store.db && cp -a ims-backup-blobs restored/blobs/blobs');

    const restored = await startServer([], { dataDir: join(dir, 'restored') });
    try {
      const token = restored.adminToken;
      const kept = (await (await api(restored, token, 'GET', '/api/v1/namespaces/default/secrets/kept')).json()) as { data: { password: string } };
      assert.equal(Buffer.from(kept.data.password, 'base64').toString(), 'p-kept');
      const names = (
        (await (await api(restored, token, 'GET', '/api/v1/namespaces/default/secrets')).json()) as { items: { metadata: { name: string } }[] }
      ).items.map((s) => s.metadata.name);
      const during = names
        .filter((n) => n.startsWith('during-'))
        .map((n) => Number(n.slice('during-'.length)))
        .sort((a, b) => a - b);
      assert.deepEqual(
        during,
        during.map((_, i) => i),
        `a gapless run of the writes made during the backup: ${during.join(',')}`,
      );
      assert.equal(
        (await api(restored, server.adminToken, 'GET', '/api/v1/namespaces/default/secrets/kept')).status,
        200,
        'the old admin token is in the snapshot too',
      );
      const tag = await api(restored, token, 'GET', '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags/app:v1');
      assert.equal(tag.status, 200);
      const pulled = await fetch(`${restored.url}/v2/default/app/blobs/${layer}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(pulled.status, 200);
      assert.equal(sha256(Buffer.from(await pulled.arrayBuffer())), layer, 'the blob pulls from the restored data dir');
    } finally {
      await restored.stop();
    }
  });

  it('is for cluster administrators only, and writes nothing for anyone else', async () => {
    const token = (await ims.run(['create', 'token', 'builder'])).stdout.trim();
    const file = join(makeTempDir('ims-backup'), 'nope.db');
    const refused = await ims.run(['adm', 'backup', '--to', file, '--token', token]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'Error from server (Forbidden): forbidden: User "system:serviceaccount:default:builder" cannot get path "/admin/backup": backups are for cluster administrators\n',
    );
    assert.equal(existsSync(file), false);
    assert.equal(existsSync(`${file}.partial`), false);
  });

  it('tells a server on --store memory that it keeps nothing to back up', async () => {
    const memory = await startServer(['--store', 'memory']);
    try {
      const session = cliSession();
      await session.run(['login', memory.url, '--token', memory.adminToken]);
      const answer = await session.run(['adm', 'backup', '--to', join(makeTempDir('ims-backup'), 'm.db')]);
      assert.equal(answer.code, 1);
      assert.equal(
        answer.stderr,
        'Error from server (BadRequest): this server runs with --store memory, which keeps nothing on disk: there is nothing to back up\n',
      );
    } finally {
      await memory.stop();
    }
  });
});

const skipEtcd = missingPeer('etcd and etcdctl', etcdBinary && etcdctlBinary, 'apt-get install etcd-server etcd-client');

describe('a backup of a server on etcd', { skip: skipEtcd }, () => {
  let etcd: EtcdCluster | undefined;
  let restoredEtcd: EtcdCluster | undefined;
  after(async () => {
    await etcd?.stop();
    await restoredEtcd?.stop();
  });

  it('is an etcdctl snapshot, which ims adm backup points to; a new etcd restored from it serves the objects', async () => {
    etcd = await startEtcd();
    const dir = makeTempDir('ims-etcd-backup');
    const server = await startServer(['--store', 'etcd', '--etcd-endpoints', etcd.endpoints[0]]);
    try {
      assert.equal((await api(server, server.adminToken, 'POST', '/api/v1/namespaces/default/secrets', secret('in-etcd'))).status, 201);
      const session = cliSession();
      await session.run(['login', server.url, '--token', server.adminToken]);
      const pointed = await session.run(['adm', 'backup', '--to', join(dir, 'x.db')]);
      assert.equal(pointed.code, 1);
      assert.equal(
        pointed.stderr,
        "Error from server (BadRequest): this server keeps its metadata in etcd: back it up with 'etcdctl snapshot save FILE' against its --etcd-endpoints (see the README, Backups)\n",
      );
      execFileSync(etcdctlBinary!, ['--endpoints', etcd.endpoints[0], 'snapshot', 'save', join(dir, 'ims-etcd.db')], {
        env: { ...process.env, ETCDCTL_API: '3' },
        stdio: 'ignore',
      });
    } finally {
      await server.stop();
    }
    await etcd.stop();

    restoredEtcd = await startEtcd({ restoreFrom: join(dir, 'ims-etcd.db') });
    const restored = await startServer(['--store', 'etcd', '--etcd-endpoints', restoredEtcd.endpoints[0]]);
    try {
      // The restored etcd still holds the bootstrap token, so the new replica mints none: the old token works.
      assert.equal(restored.adminToken, '');
      const read = (await (await api(restored, server.adminToken, 'GET', '/api/v1/namespaces/default/secrets/in-etcd')).json()) as {
        data: { password: string };
      };
      assert.equal(Buffer.from(read.data.password, 'base64').toString(), 'p-in-etcd');
    } finally {
      await restored.stop();
    }
  });
});
