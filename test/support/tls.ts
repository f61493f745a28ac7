// A self-signed certificate for 127.0.0.1, made with openssl, for tests that need TLS (kubectl
// sends bearer tokens only over TLS).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { makeTempDir } from './temp-dir.ts';

export function makeSelfSignedCertificate(): { cert: string; key: string } {
  const dir = makeTempDir('ims-tls');
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
