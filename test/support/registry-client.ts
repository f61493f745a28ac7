// A tiny registry client over the in-process harness, for protocol tests.
import type { Harness } from './api-harness.ts';
import { createHash } from 'node:crypto';

export const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export async function registryRequest(
  h: Harness,
  method: string,
  path: string,
  options: { token?: string | null; body?: Buffer | string; headers?: Record<string, string> } = {},
) {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? h.adminToken : options.token;
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await h.server.handle(
    new Request(`http://127.0.0.1:8080${path}`, { method, headers, body: options.body as BodyInit | undefined }),
    'registry-test',
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  let json: any;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, bytes, json };
}

export async function pushBlob(h: Harness, repository: string, content: Buffer | string, token?: string | null): Promise<string> {
  const digest = sha256(content);
  const answer = await registryRequest(h, 'POST', `/v2/${repository}/blobs/uploads/?digest=${digest}`, { body: content, token });
  if (answer.status !== 201) throw new Error(`blob push failed: ${answer.status} ${answer.bytes}`);
  return digest;
}

/** Pushes config and one layer, then the manifest by `reference`; returns the manifest bytes and digest. */
export async function pushImage(h: Harness, repository: string, reference: string, label = 'x', token?: string | null) {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2020-01-01T00:00:00Z',
      config: { Env: [`LABEL=${label}`], Cmd: ['run'], ExposedPorts: { '8080/tcp': {} }, User: '1001', WorkingDir: '/w', Labels: { l: label } },
    }),
  );
  const layer = Buffer.from(`layer-${label}`);
  const configDigest = await pushBlob(h, repository, config, token);
  const layerDigest = await pushBlob(h, repository, layer, token);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  const answer = await registryRequest(h, 'PUT', `/v2/${repository}/manifests/${reference}`, {
    body: manifest,
    token,
    headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  return { answer, manifest, digest: sha256(manifest), configDigest, layerDigest };
}
