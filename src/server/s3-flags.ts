// The `ims serve` flags of the S3 blob backend into its validated settings. Secrets never come
// from a flag's value (it would show in `ps`): the secret key is read from a file or the environment.
import { readFileSync } from 'node:fs';
import { AppError } from '../errors.ts';
import { parseDuration } from '../lib/duration.ts';

export interface S3BlobsConfig {
  readonly endpoint: string;
  readonly bucket: string;
  readonly prefix?: string;
  readonly region: string;
  /** Absent: the AWS SDK's chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, profiles…). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Seconds a redirect to a signed URL is valid; absent: blobs are served through the registry. */
  readonly redirectTtlSeconds?: number;
  /** Multipart uploads no session holds are aborted once this old. */
  readonly abortUploadsAfterMs: number;
}

export const s3Flags = [
  's3-endpoint',
  's3-bucket',
  's3-prefix',
  's3-region',
  's3-access-key-id',
  's3-secret-access-key-file',
  's3-redirect',
  's3-abort-uploads-after',
];
export const s3Switches = ['s3-redirect'];

export const s3Help = `      --blobs fs|s3               blob backend (default fs: files under --data-dir; s3: S3-compatible
                                  object storage that every replica shares)
      --s3-endpoint URL           S3 endpoint, path-style (http://127.0.0.1:9000, https://s3.eu-west-1.amazonaws.com)
      --s3-bucket NAME            bucket for blobs and upload sessions (it must exist)
      --s3-prefix PREFIX          put every key under PREFIX/, to share a bucket
      --s3-region REGION          region to sign for (default $AWS_REGION, else us-east-1)
      --s3-access-key-id ID       access key, with its secret from --s3-secret-access-key-file FILE or
                                  $AWS_SECRET_ACCESS_KEY (default: the AWS SDK's own lookup: AWS_ACCESS_KEY_ID,
                                  profiles, instance roles)
      --s3-redirect               answer blob GETs with a redirect to a signed S3 URL valid 5 minutes, so
                                  clients fetch layers from the storage itself (off by default)
      --s3-abort-uploads-after DURATION
                                  abort multipart uploads that no upload session holds once this old (default 24h)
`;

const redirectTtlSeconds = 300;

export function parseS3Flags(values: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv = process.env): S3BlobsConfig {
  const endpoint = values.get('s3-endpoint');
  const bucket = values.get('s3-bucket');
  if (!endpoint || !bucket) throw new AppError('BadRequest', '--blobs s3 needs --s3-endpoint and --s3-bucket');
  if (!/^https?:\/\/[^/\s?#]+\/?$/.test(endpoint)) throw new AppError('BadRequest', `--s3-endpoint takes a URL like http://127.0.0.1:9000, not "${endpoint}"`);
  if (!/^[a-z0-9][a-z0-9._-]{1,62}$/i.test(bucket)) throw new AppError('BadRequest', `--s3-bucket "${bucket}" is not a bucket name`);
  const prefix = values.get('s3-prefix')?.replace(/^\/+|\/+$/g, '');
  if (prefix !== undefined && !/^[\w.\-/]{1,200}$/.test(prefix))
    throw new AppError('BadRequest', `--s3-prefix takes letters, digits and . _ - /, not "${prefix}"`);
  const accessKeyId = values.get('s3-access-key-id');
  let credentials: S3BlobsConfig['credentials'];
  if (accessKeyId !== undefined) {
    const file = values.get('s3-secret-access-key-file');
    const secretAccessKey = file ? readSecret(file) : env.AWS_SECRET_ACCESS_KEY;
    if (!secretAccessKey) throw new AppError('BadRequest', '--s3-access-key-id needs its secret: --s3-secret-access-key-file FILE or AWS_SECRET_ACCESS_KEY');
    credentials = { accessKeyId, secretAccessKey };
  } else if (values.has('s3-secret-access-key-file')) {
    throw new AppError('BadRequest', '--s3-secret-access-key-file goes with --s3-access-key-id');
  }
  const redirect = values.get('s3-redirect') ?? 'false';
  if (redirect !== 'true' && redirect !== 'false') throw new AppError('BadRequest', `--s3-redirect takes no value, or true or false, not "${redirect}"`);
  const ageText = values.get('s3-abort-uploads-after') ?? '24h';
  const abortUploadsAfterMs = parseDuration(ageText);
  if (abortUploadsAfterMs === undefined || abortUploadsAfterMs < 60_000)
    throw new AppError('BadRequest', `--s3-abort-uploads-after must be a duration of at least 1m (like 24h), not "${ageText}"`);
  return {
    endpoint,
    bucket,
    prefix: prefix || undefined,
    region: values.get('s3-region') ?? env.AWS_REGION ?? 'us-east-1',
    credentials,
    redirectTtlSeconds: redirect === 'true' ? redirectTtlSeconds : undefined,
    abortUploadsAfterMs,
  };
}

function readSecret(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    // The path, never the content.
    throw new AppError('BadRequest', `--s3-secret-access-key-file: cannot read ${file}`);
  }
}
