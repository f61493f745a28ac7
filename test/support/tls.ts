// Certificates made with openssl for tests that need TLS: a self-signed one for 127.0.0.1 (kubectl
// sends bearer tokens only over TLS), and a CA with client certificates it signs (a front proxy).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/** A certificate authority (self-signed, CA:true), as a cluster's front-proxy CA is. */
export function makeCertificateAuthority(name: string): { cert: string; key: string } {
  const dir = makeTempDir('ims-ca');
  const cert = join(dir, 'ca.crt');
  const key = join(dir, 'ca.key');
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
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** A TLS client certificate with common name `cn`, signed by `ca`. */
export function makeClientCertificate(ca: { cert: string; key: string }, cn: string): { cert: string; key: string } {
  const dir = makeTempDir('ims-client-cert');
  const cert = join(dir, 'client.crt');
  const key = join(dir, 'client.key');
  const request = join(dir, 'client.csr');
  const extensions = join(dir, 'client.ext');
  writeFileSync(extensions, 'extendedKeyUsage=clientAuth\n');
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', request, '-subj', `/CN=${cn}`], { stdio: 'ignore' });
  execFileSync(
    'openssl',
    ['x509', '-req', '-in', request, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', extensions],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
