import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseServeFlags, serveHelp } from '../../src/server/config.ts';
import { parseS3Flags } from '../../src/server/s3-flags.ts';
import { isAppError } from '../../src/errors.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const base = ['--blobs', 's3', '--s3-endpoint', 'http://127.0.0.1:9000', '--s3-bucket', 'blobs'];
const flags = (args: string[]) => new Map(Object.entries(Object.fromEntries(args.map((a) => a.split('=', 2) as [string, string]))));
const refusal = (pattern: RegExp) => (error: unknown) => isAppError(error, 'BadRequest') && pattern.test(error.message);

describe('ims serve --blobs s3 flags', () => {
  it('takes the endpoint, bucket, prefix and region, with redirects off and abandoned uploads aborted after a day', () => {
    const { s3 } = parseServeFlags([...base, '--s3-prefix', '/team/registry/', '--s3-region', 'eu-west-1']);
    assert.deepEqual(s3, {
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'blobs',
      prefix: 'team/registry',
      region: 'eu-west-1',
      credentials: undefined,
      redirectTtlSeconds: undefined,
      abortUploadsAfterMs: 24 * 3_600_000,
    });
    assert.equal(parseServeFlags([]).s3, undefined);
  });

  it('signs redirects for five minutes with --s3-redirect, and takes the abort age', () => {
    const { s3 } = parseServeFlags([...base, '--s3-redirect', '--s3-abort-uploads-after', '2h']);
    assert.equal(s3?.redirectTtlSeconds, 300);
    assert.equal(s3?.abortUploadsAfterMs, 2 * 3_600_000);
    assert.throws(() => parseServeFlags([...base, '--s3-abort-uploads-after', '5s']), refusal(/at least 1m/));
  });

  it('reads the secret key from a file or AWS_SECRET_ACCESS_KEY, never from a flag value', () => {
    const file = join(makeTempDir('ims-s3-flags'), 'secret');
    writeFileSync(file, 'from-the-file\n');
    const fromFile = parseS3Flags(flags(['s3-endpoint=http://s3.local', 's3-bucket=bkt', 's3-access-key-id=AKID', `s3-secret-access-key-file=${file}`]), {});
    assert.deepEqual(fromFile.credentials, { accessKeyId: 'AKID', secretAccessKey: 'from-the-file' });
    const fromEnv = parseS3Flags(flags(['s3-endpoint=http://s3.local', 's3-bucket=bkt', 's3-access-key-id=AKID']), { AWS_SECRET_ACCESS_KEY: 'from-env' });
    assert.equal(fromEnv.credentials?.secretAccessKey, 'from-env');
    assert.throws(() => parseS3Flags(flags(['s3-endpoint=http://s3.local', 's3-bucket=bkt', 's3-access-key-id=AKID']), {}), refusal(/needs its secret/));
    assert.throws(() => parseServeFlags([...base, '--s3-secret-access-key', 'x']), refusal(/unknown flag/));
    assert.throws(
      () => parseS3Flags(flags(['s3-endpoint=http://s3.local', 's3-bucket=bkt', 's3-access-key-id=AKID', 's3-secret-access-key-file=/nonexistent/secret']), {}),
      refusal(/cannot read \/nonexistent\/secret/),
    );
  });

  it('refuses a missing endpoint or bucket and values that are no URL, bucket or prefix', () => {
    assert.throws(() => parseServeFlags(['--blobs', 's3', '--s3-bucket', 'b']), refusal(/needs --s3-endpoint and --s3-bucket/));
    assert.throws(() => parseServeFlags([...base, '--s3-endpoint', 'ftp://x']), refusal(/--s3-endpoint takes a URL/));
    assert.throws(() => parseServeFlags([...base, '--s3-endpoint', 'http://x/path?q']), refusal(/--s3-endpoint takes a URL/));
    assert.throws(() => parseServeFlags([...base, '--s3-bucket', '../b']), refusal(/not a bucket name/));
    assert.throws(() => parseServeFlags([...base, '--s3-prefix', 'a b']), refusal(/--s3-prefix takes/));
    assert.throws(() => parseServeFlags(['--s3-redirect']), refusal(/--s3-redirect goes with --blobs s3/));
  });

  it('teaches every S3 flag in ims serve --help', () => {
    for (const flag of [
      '--s3-endpoint',
      '--s3-bucket',
      '--s3-prefix',
      '--s3-region',
      '--s3-access-key-id',
      '--s3-secret-access-key-file',
      '--s3-redirect',
      '--s3-abort-uploads-after',
    ])
      assert.ok(serveHelp.includes(flag), flag);
  });
});
