// A self-signed certificate for 127.0.0.1, made with openssl, for tests that need TLS (kubectl
// sends bearer tokens only over TLS).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
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

export interface CertificateAuthority {
  /** The CA's certificate, for clients and servers to trust. */
  readonly ca: string;
  /** A certificate for 127.0.0.1 signed by the CA, good for TLS servers and clients alike. */
  issue(name: string): { cert: string; key: string };
}

/** A throwaway CA, for peers that check client certificates (etcd with --client-cert-auth). */
export function makeCertificateAuthority(): CertificateAuthority {
  const dir = makeTempDir('ims-ca');
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=ims-test-ca']);
  const extensions = join(dir, 'leaf.ext');
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  return {
    ca,
    issue(name) {
      const key = join(dir, `${name}.key`);
      const request = join(dir, `${name}.csr`);
      const cert = join(dir, `${name}.crt`);
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', request, '-subj', `/CN=${name}`]);
      openssl(['x509', '-req', '-in', request, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', extensions]);
      return { cert, key };
    },
  };
}
