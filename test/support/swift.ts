// Starts a real S3-compatible object store for tests: OpenStack Swift (Debian packages swift,
// swift-proxy, swift-account, swift-container, swift-object) as a one-node "Swift all in one" with
// its s3api middleware (SigV4, path-style) and tempauth, plus the private memcached its proxy wants,
// all on free loopback ports with config, rings, data and logs in a throwaway directory. It runs as
// the user running the tests (never the `swift` user, which would need a system setup). Each call
// of `createBucket` makes a bucket of its own, so test runs never see each other's objects.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, openSync, readFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';
import { findExecutable, missingPeer } from './peers.ts';

const servers = ['account', 'container', 'object', 'proxy'] as const;
const binaries = [...servers.map((server) => `swift-${server}-server`), 'swift-ring-builder', 'memcached'];

/** Why Swift's tests are skipped (printed loudly), or undefined when every binary is there; throws under IMS_REQUIRE_PEERS=1. */
export function missingSwift(): string | undefined {
  const missing = binaries.find((binary) => !findExecutable(binary));
  return missingPeer(
    `swift (${missing})`,
    missing ? undefined : 'present',
    'apt-get install swift swift-proxy swift-account swift-container swift-object memcached',
  );
}

export interface S3Endpoint {
  /** `http://127.0.0.1:PORT`, path-style. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The environment an AWS client (or `ims serve --blobs s3`) reads the credentials from. */
  readonly env: Record<string, string>;
  /** A new, empty bucket with a name no other run uses. */
  createBucket(label?: string): Promise<string>;
  client(): S3Client;
  /** The last lines of Swift's logs, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

const accessKeyId = 'test:tester';
const secretAccessKey = 'testing';
const region = 'us-east-1';

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthcheck`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

function serverConfig(server: (typeof servers)[number], ports: Record<string, number>, dir: string): string {
  const common = [
    '[DEFAULT]',
    'bind_ip = 127.0.0.1',
    `bind_port = ${ports[server]}`,
    `user = ${userInfo().username}`,
    'workers = 1',
    `swift_dir = ${join(dir, 'etc')}`,
    `devices = ${join(dir, 'srv')}`,
    'mount_check = false',
    'disable_fallocate = true',
    'log_level = WARNING',
    // Logs go to a UDP port nobody listens on rather than the machine's syslog; --verbose copies them to the log files.
    'log_udp_host = 127.0.0.1',
    `log_udp_port = ${ports.syslog}`,
    '',
  ];
  if (server !== 'proxy') {
    return [
      ...common,
      '[pipeline:main]',
      `pipeline = healthcheck ${server}-server`,
      `[app:${server}-server]`,
      `use = egg:swift#${server}`,
      '[filter:healthcheck]',
      'use = egg:swift#healthcheck',
      '',
    ].join('\n');
  }
  const filters = ['catch_errors', 'gatekeeper', 'healthcheck', 'proxy_logging', 'listing_formats', 'bulk', 'copy', 'slo', 'dlo'];
  return [
    ...common,
    '[pipeline:main]',
    'pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server',
    '[app:proxy-server]',
    'use = egg:swift#proxy',
    'account_autocreate = true',
    'allow_account_management = true',
    '[filter:s3api]',
    'use = egg:swift#s3api',
    `location = ${region}`,
    'dns_compliant_bucket_names = false',
    's3_acl = false',
    'check_bucket_owner = false',
    '[filter:tempauth]',
    'use = egg:swift#tempauth',
    `user_test_tester = ${secretAccessKey} .admin`,
    '[filter:cache]',
    'use = egg:swift#memcache',
    `memcache_servers = 127.0.0.1:${ports.memcached}`,
    ...filters.flatMap((filter) => [`[filter:${filter.replace('_logging', '-logging')}]`, `use = egg:swift#${filter}`]),
    '',
  ].join('\n');
}

export async function startSwift(): Promise<S3Endpoint> {
  const dir = makeTempDir('ims-swift');
  const etc = join(dir, 'etc');
  for (const sub of ['etc', 'srv/d1', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  const ports: Record<string, number> = {};
  for (const name of [...servers, 'memcached', 'syslog']) ports[name] = await freePort();
  writeFileSync(
    join(etc, 'swift.conf'),
    [
      '[swift-hash]',
      `swift_hash_path_suffix = ims-test-${randomBytes(8).toString('hex')}`,
      '[storage-policy:0]',
      'name = Policy-0',
      'default = yes',
      '[swift-constraints]',
      'max_file_size = 5368709122',
      '',
    ].join('\n'),
  );
  for (const server of servers) writeFileSync(join(etc, `${server}-server.conf`), serverConfig(server, ports, dir));
  // One partition power of 6, one replica, one device: the smallest ring that works.
  for (const ring of ['account', 'container', 'object']) {
    const builder = join(etc, `${ring}.builder`);
    execFileSync('swift-ring-builder', [builder, 'create', '6', '1', '1'], { stdio: 'ignore' });
    execFileSync('swift-ring-builder', [builder, 'add', `r1z1-127.0.0.1:${ports[ring]}/d1`, '100'], { stdio: 'ignore' });
    execFileSync('swift-ring-builder', [builder, 'rebalance'], { stdio: 'ignore' });
  }
  const children: ChildProcess[] = [];
  // A test process that dies must not leave Swift running on the machine.
  process.once('exit', () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });
  const launch = (command: string, args: string[], log: string) => {
    const out = openSync(join(dir, 'log', log), 'a');
    const child = spawn(command, args, { stdio: ['ignore', out, out] });
    children.push(child);
  };
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };
  const logs = () =>
    servers
      .map((server) => join(dir, 'log', `${server}.log`))
      .filter(existsSync)
      .map((path) => `${path}:\n${readFileSync(path, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');
  launch('memcached', ['-l', '127.0.0.1', '-p', String(ports.memcached), '-U', '0', '-m', '64', '-u', userInfo().username], 'memcached.log');
  for (const server of servers) launch(`swift-${server}-server`, [join(etc, `${server}-server.conf`), '--verbose'], `${server}.log`);
  // An upper bound only: on a busy machine Swift's Python servers take a while to import.
  const deadline = Date.now() + 120_000;
  while (!(await Promise.all(servers.map((server) => healthy(ports[server])))).every(Boolean)) {
    const dead = children.find((child) => child.exitCode !== null);
    if (dead || Date.now() > deadline) {
      await stop();
      throw new Error(`swift did not come up:\n${logs()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const endpoint = `http://127.0.0.1:${ports.proxy}`;
  const client = () => new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: region },
    async createBucket(label = 'ims') {
      const bucket = `${label}-${randomBytes(6).toString('hex')}`;
      const s3 = client();
      try {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      } finally {
        s3.destroy();
      }
      return bucket;
    },
    client,
    logs,
    stop,
  };
}
