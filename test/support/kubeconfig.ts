// A kubeconfig file naming a running server with a bearer token, as `kubectl config` writes one,
// for tests that connect `ims serve --kubeconfig` to a stand-in cluster, or point kubectl at ims.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeTempDir } from './temp-dir.ts';

/** `ca` is the PEM file the server's certificate is checked against: the official client talks TLS only. */
export function writeKubeconfig(server: string, token: string, ca: string, options: { context?: string; namespace?: string } = {}): string {
  const context = options.context ?? 'stand-in';
  const file = join(makeTempDir('ims-kubeconfig'), 'config');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'stand-in', cluster: { server, 'certificate-authority-data': Buffer.from(readFileSync(ca)).toString('base64') } }],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: context, context: { cluster: 'stand-in', user: 'admin', ...(options.namespace ? { namespace: options.namespace } : {}) } }],
      'current-context': context,
    }),
    { mode: 0o600 },
  );
  return file;
}
