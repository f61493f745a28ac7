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

export interface CertificateAuthority {
  /** The CA's certificate, for clients and servers to trust. */
  readonly ca: string;
  /** A certificate for 127.0.0.1 signed by the CA, good for TLS servers and clients alike. */
  issue(name: string): { cert: string; key: string };
}

/** A throwaway CA, for peers that check client certificates (etcd with --client-cert-auth). */
export function makeIssuingAuthority(): CertificateAuthority {
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
