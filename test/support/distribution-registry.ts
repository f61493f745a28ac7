// Starts the CNCF distribution registry (Debian's docker-registry) on a free loopback port with a
// throwaway filesystem store (or its own S3 driver on a given bucket), for interop tests and benchmarks;
// optionally notifying a webhook URL of every push (its `notifications.endpoints`).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './serve-process.ts';
import { makeTempDir } from './temp-dir.ts';
import { findExecutable } from './peers.ts';
import bcrypt from 'bcryptjs';
import { Agent, fetch as undiciFetch } from 'undici';

const insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });

export const distributionBinary = findExecutable('docker-registry');

export async function startDistribution(
  options: {
    htpasswd?: { user: string; password: string };
    tls?: { cert: string; key: string };
    accessLog?: boolean;
    s3?: { endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
    /** Where the registry POSTs its notifications envelope, as soon as each event happens. */
    notify?: string;
  } = {},
): Promise<{ host: string; pid: number; stop: () => Promise<void>; log: () => string }> {
  const dir = makeTempDir('ims-distribution');
  const port = await freePort();
  const config = join(dir, 'config.yml');
  let auth = '';
  if (options.htpasswd) {
    writeFileSync(join(dir, 'htpasswd'), `${options.htpasswd.user}:${bcrypt.hashSync(options.htpasswd.password, 4)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: test\n    path: ${dir}/htpasswd\n`;
  }
  // Blob events are noise to a receiver; the registry sends manifest events only.
  const notifications = options.notify
    ? `notifications:\n  endpoints:\n    - name: ims\n      url: ${options.notify}\n      timeout: 5s\n      threshold: 3\n      backoff: 200ms\n      ignoredmediatypes:\n        - application/octet-stream\n        - application/vnd.docker.image.rootfs.diff.tar.gzip\n        - application/vnd.oci.image.layer.v1.tar+gzip\n        - application/vnd.docker.container.image.v1+json\n        - application/vnd.oci.image.config.v1+json\n`
    : '';
  const tls = options.tls ? `  tls:\n    certificate: ${options.tls.cert}\n    key: ${options.tls.key}\n` : '';
  writeFileSync(
    config,
    `version: 0.1
log:
  level: error
  accesslog:
    disabled: ${options.accessLog ? 'false' : 'true'}
storage:
${
  options.s3
    ? `  s3:
    regionendpoint: ${options.s3.endpoint}
    region: ${options.s3.region}
    bucket: ${options.s3.bucket}
    accesskey: ${options.s3.accessKeyId}
    secretkey: ${options.s3.secretAccessKey}
    secure: ${options.s3.endpoint.startsWith('https:')}
    v4auth: true
    rootdirectory: /distribution
  redirect:
    disable: true`
    : `  filesystem:
    rootdirectory: ${dir}/data`
}
  delete:
    enabled: true
${auth}${notifications}http:
  addr: 127.0.0.1:${port}
${tls}`,
  );
  // Its AWS SDK refuses to start on an AWS_CA_BUNDLE it cannot install into its transport; a plain-HTTP endpoint needs none.
  const env = { ...process.env };
  if (options.s3?.endpoint.startsWith('http:')) delete env.AWS_CA_BUNDLE;
  const child = spawn(distributionBinary!, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const probe = await undiciFetch(`${options.tls ? 'https' : 'http'}://${host}/v2/`, { dispatcher: insecureAgent });
      if (probe.status === 200 || probe.status === 401) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    host,
    pid: child.pid!,
    log: () => stdout + stderr,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
