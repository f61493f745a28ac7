// Pushes a small Docker schema 2 image to a running server (or a distribution registry) over HTTP,
// for tests that need images in streams or upstream without skopeo.
import { createHash } from 'node:crypto';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Pushes the image labelled `label`, by `tag`, or by its digest when `tag` is undefined; returns the digest. */
export async function pushOverHttp(url: string, token: string, repository: string, tag: string | undefined, label: string): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2020-01-01T00:00:00Z',
      author: 'tests',
      config: { Env: [`LABEL=${label}`], Cmd: ['/bin/run'], ExposedPorts: { '8080/tcp': {} }, WorkingDir: '/srv', User: '1001', Labels: { name: label } },
    }),
  );
  const layer = Buffer.from(`layer for ${label}`);
  for (const blob of [config, layer]) {
    let answer = await fetch(`${url}/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', body: blob, headers });
    // A registry without monolithic POST (distribution) opens a session instead: finish it with one PUT.
    if (answer.status === 202) {
      await answer.body?.cancel();
      const location = new URL(answer.headers.get('location')!, url);
      location.searchParams.set('digest', sha256(blob));
      answer = await fetch(location, { method: 'PUT', body: blob, headers: { ...headers, 'content-type': 'application/octet-stream' } });
    }
    if (answer.status !== 201) throw new Error(`blob upload failed: ${answer.status}`);
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  const answer = await fetch(`${url}/v2/${repository}/manifests/${tag ?? sha256(manifest)}`, {
    method: 'PUT',
    body: manifest,
    headers: { ...headers, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  if (answer.status !== 201) throw new Error(`manifest push failed: ${answer.status} ${await answer.text()}`);
  return sha256(manifest);
}
