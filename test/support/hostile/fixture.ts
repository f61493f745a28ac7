// The objects the hostile-input suite creates before it starts, and their bytes as the server
// serves them, so the suite can show that no refused request changed anything stored.
import { createHash } from 'node:crypto';
import { pushOverHttp } from '../http-push.ts';
import { sha256 } from '../registry-client.ts';

export interface Fixture {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly namespace: string;
  /** A stream made through the API, a secret, and a repository with a pushed image. */
  readonly stream: string;
  readonly secret: string;
  readonly repository: string;
  readonly tag: string;
  readonly manifest: Record<string, unknown>;
  readonly manifestDigest: string;
  /** An upload session left open, for chunk requests with bad ranges. */
  readonly uploadPath: string;
}

export async function createFixture(url: string, port: number, token: string): Promise<Fixture> {
  const namespace = 'hostile';
  const api = (method: string, path: string, body?: unknown) =>
    fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => {
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r;
    });
  await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await api('POST', `/api/v1/namespaces/${namespace}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'fixture', labels: { app: 'fixture' }, annotations: { note: 'kept' } },
    type: 'Opaque',
    stringData: { password: 's3cret' },
  });
  const repository = `${namespace}/pushed`;
  const manifestDigest = await pushOverHttp(url, token, repository, 'v1', 'hostile');
  // A tag of the pushed image, not of another registry: an import there would fail and be retried,
  // and the retries would change the stream while the suite runs.
  await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`, {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'fixture', annotations: { purpose: 'hostile-input fixture' } },
    spec: {
      lookupPolicy: { local: true },
      tags: [{ name: 'pinned', from: { kind: 'ImageStreamTag', name: 'pushed:v1' }, referencePolicy: { type: 'Source' } }],
    },
  });
  const manifestResponse = await fetch(`${url}/v2/${repository}/manifests/v1`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  const manifest = (await manifestResponse.json()) as Record<string, unknown>;
  const upload = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (upload.status !== 202) throw new Error(`starting an upload: ${upload.status}`);
  return {
    url,
    port,
    token,
    namespace,
    stream: 'fixture',
    secret: 'fixture',
    repository,
    tag: 'v1',
    manifest,
    manifestDigest,
    uploadPath: upload.headers.get('location')!,
  };
}

/** Everything the fixture stored, as served (status, Range and a digest of the exact bytes), to compare before and after. */
export async function snapshot(fixture: Fixture): Promise<Record<string, string>> {
  const { url, token, namespace, repository } = fixture;
  const get = async (path: string, accept?: string) => {
    const response = await fetch(url + path, { headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) } });
    return `${response.status} ${response.headers.get('range') ?? ''} sha256:${createHash('sha256')
      .update(Buffer.from(await response.arrayBuffer()))
      .digest('hex')}`;
  };
  const names = async (path: string) => {
    const list = (await (await fetch(url + path, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: { metadata: { name: string; resourceVersion: string } }[];
    };
    return list.items.map((item) => `${item.metadata.name}@${item.metadata.resourceVersion}`).join(',');
  };
  const manifest = (await (
    await fetch(`${url}/v2/${repository}/manifests/v1`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    })
  ).json()) as { config: { digest: string }; layers: { digest: string }[] };
  return {
    secret: await get(`/api/v1/namespaces/${namespace}/secrets/fixture`),
    stream: await get(`/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/fixture`),
    pushedStream: await get(`/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/pushed`),
    image: await get(`/apis/image.openshift.io/v1/images/${fixture.manifestDigest}`),
    manifest: await get(`/v2/${repository}/manifests/v1`, 'application/vnd.docker.distribution.manifest.v2+json'),
    tags: await get(`/v2/${repository}/tags/list`),
    config: await get(`/v2/${repository}/blobs/${manifest.config.digest}`),
    layer: await get(`/v2/${repository}/blobs/${manifest.layers[0].digest}`),
    upload: await get(fixture.uploadPath),
    secrets: await names(`/api/v1/namespaces/${namespace}/secrets`),
    streams: await names(`/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`),
    roles: await names(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`),
    namespaces: await names('/api/v1/namespaces'),
  };
}

/** A digest of content nobody pushed. */
export const unknownDigest = sha256('nobody pushed this');
