// A small registry for importer tests, on a loopback port: serves manifests and blobs from memory,
// with Basic or Bearer auth and faults to inject (wrong digests, truncated bodies, 429s, 500s).
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createHash } from 'node:crypto';

export interface FakeUpstream {
  readonly host: string;
  /** Requests seen, as `METHOD path`. */
  readonly requests: string[];
  /** Adds content; returns its digest. */
  putBlob(content: Buffer | string): string;
  putManifest(repository: string, tag: string | undefined, content: Buffer | string, mediaType: string): string;
  /** Answers the next `count` requests matching `pattern` with this instead. */
  fault(pattern: RegExp, count: number, answer: (res: ServerResponse, req: IncomingMessage) => void): void;
  /** Size of a stored manifest. */
  sizeOf(digest: string): number;
  stop(): Promise<void>;
}

export interface FakeUpstreamOptions {
  readonly basic?: { user: string; password: string };
  readonly bearer?: { user: string; password: string; realmHost?: string };
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { content: Buffer; mediaType: string }>();
  const tags = new Map<string, string>();
  const faults: { pattern: RegExp; count: number; answer: (res: ServerResponse, req: IncomingMessage) => void }[] = [];
  const requests: string[] = [];
  let host = '';
  const validBasic = (header: string | undefined, creds: { user: string; password: string }) =>
    header === `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    requests.push(`${req.method} ${url.pathname}`);
    const fault = faults.find((f) => f.count > 0 && f.pattern.test(`${req.method} ${url.pathname}`));
    if (fault) {
      fault.count -= 1;
      return fault.answer(res, req);
    }
    if (url.pathname === '/token') {
      if (!options.bearer) return res.writeHead(404).end();
      if (req.headers.authorization && !validBasic(req.headers.authorization, options.bearer))
        return res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token: req.headers.authorization ? 'good-token' : 'anonymous-token' }));
    }
    if (options.basic && !validBasic(req.headers.authorization, options.basic)) {
      return res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    if (options.bearer && req.headers.authorization !== 'Bearer good-token') {
      const realm = `http://${options.bearer.realmHost ?? host}/token`;
      return res
        .writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="fake"`, 'content-type': 'application/json' })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    if (url.pathname === '/v2/') return res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest) {
      const digest = manifest[2].includes(':') ? manifest[2] : tags.get(`${manifest[1]}:${manifest[2]}`);
      const found = digest ? manifests.get(digest) : undefined;
      if (!found) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      res.writeHead(200, { 'content-type': found.mediaType, 'docker-content-digest': digest!, 'content-length': found.content.length });
      return res.end(req.method === 'HEAD' ? undefined : found.content);
    }
    const tagList = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (tagList) {
      const list = [...tags.keys()].filter((k) => k.startsWith(`${tagList[1]}:`)).map((k) => k.slice(tagList[1].length + 1));
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: tagList[1], tags: list }));
    }
    const blob = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(url.pathname);
    if (blob && blobs.has(blob[2])) {
      const content = blobs.get(blob[2])!;
      return res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length }).end(content);
    }
    res.writeHead(404).end();
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    host,
    requests,
    putBlob(content) {
      const bytes = Buffer.from(content);
      const digest = sha256(bytes);
      blobs.set(digest, bytes);
      return digest;
    },
    putManifest(repository, tag, content, mediaType) {
      const bytes = Buffer.from(content);
      const digest = sha256(bytes);
      manifests.set(digest, { content: bytes, mediaType });
      if (tag) tags.set(`${repository}:${tag}`, digest);
      return digest;
    },
    fault(pattern, count, answer) {
      faults.push({ pattern, count, answer });
    },
    sizeOf: (digest) => manifests.get(digest)?.content.length ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Puts a small single-platform image into the fake registry; returns the manifest digest. */
export function putImage(
  upstream: FakeUpstream,
  repository: string,
  tag: string | undefined,
  label: string,
  platform = { architecture: 'amd64', os: 'linux' },
): string {
  const layer = Buffer.from(`layer ${label}`);
  const config = Buffer.from(JSON.stringify({ ...platform, created: '2021-01-01T00:00:00Z', config: { Env: [`L=${label}`], Cmd: ['run'] } }));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: upstream.putBlob(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: upstream.putBlob(layer), size: layer.length }],
  });
  return upstream.putManifest(repository, tag, manifest, 'application/vnd.docker.distribution.manifest.v2+json');
}

/** A Docker manifest list of amd64, arm64/v8 and ppc64le images; returns the list and children digests. */
export function putManifestList(upstream: FakeUpstream, repository: string, tag: string, label: string): { list: string; children: Record<string, string> } {
  const platforms = [
    { architecture: 'amd64', os: 'linux' },
    { architecture: 'arm64', os: 'linux', variant: 'v8' },
    { architecture: 'ppc64le', os: 'linux' },
  ];
  const children: Record<string, string> = {};
  const entries = platforms.map((platform) => {
    const digest = putImage(upstream, repository, undefined, `${label}-${platform.architecture}`, platform);
    children[platform.architecture] = digest;
    return { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest, size: 0, platform };
  });
  // Sizes must be right: recompute from what was stored.
  const list = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifests: entries.map((e) => ({ ...e, size: upstream.sizeOf(e.digest) })),
  });
  return { list: upstream.putManifest(repository, tag, list, 'application/vnd.docker.distribution.manifest.list.v2+json'), children };
}
