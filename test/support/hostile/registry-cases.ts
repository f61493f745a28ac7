// Hostile registry requests, written from the distribution spec's grammar and error codes: names
// and references that break the grammar, manifests that are not manifests, uploads with bad digests
// and ranges, listings with bad page sizes, methods no route serves, credentials that are not.
import type { Template } from './case.ts';
import type { Random } from '../seeded-random.ts';
import { json, nested } from './case.ts';
import { unknownDigest } from './fixture.ts';

const hex = '0123456789abcdef';

function badRepository(random: Random): string {
  return random.pick([
    () => `Hostile/${random.text(5)}`,
    () => random.text(8),
    () => `hostile/pushed/${random.text(3)}`,
    () => 'hostile/-lead',
    () => 'hostile/trail-',
    () => 'hostile/a..b',
    () => `hostile/${'a'.repeat(260 + random.int(100))}`,
    () => 'hostile/%ZZ',
    () => 'hostile/na%C3%AFve',
    () => 'hostile//pushed',
    () => 'hostile/a%00b',
    () => `hostile/${random.text(4, '!$&()*+,;=@')}`,
  ])();
}

function badReference(random: Random): string {
  return random.pick([
    () => `-${random.text(5)}`,
    () => 'a'.repeat(129 + random.int(50)),
    () => `sha256:${random.text(10, hex)}`,
    () => `sha256:${random.text(64, 'ghijklmnop')}`,
    () => `md5:${random.text(32, hex)}`,
    () => `sha256:${random.text(64, 'ABCDEF0123456789')}`,
    () => `tag:${random.text(4)}:x`,
    () => `%ZZ${random.text(3)}`,
  ])();
}

/** The fixture's manifest with one thing broken, each break named. */
function brokenManifest(manifest: Record<string, unknown>, random: Random): { why: string; body: string } {
  const config = manifest.config as Record<string, unknown>;
  const layers = manifest.layers as Record<string, unknown>[];
  const wrongType = () => random.pick<unknown>([5, true, {}, [], null, 1.5]);
  const breaks: (() => { why: string; value: Record<string, unknown> })[] = [
    () => ({ why: 'mediaType of the wrong JSON type', value: { ...manifest, mediaType: wrongType() } }),
    () => ({ why: 'an unknown mediaType', value: { ...manifest, mediaType: `application/vnd.example.${random.text(4)}+json` } }),
    () => ({ why: 'schemaVersion not 2', value: { ...manifest, schemaVersion: random.pick<unknown>([1, '2', 3, null, 2.5]) } }),
    () => ({ why: 'no config', value: { ...manifest, config: undefined } }),
    () => ({ why: 'config not a descriptor', value: { ...manifest, config: random.pick<unknown>(['x', 5, [], {}]) } }),
    () => ({ why: 'config with a malformed digest', value: { ...manifest, config: { ...config, digest: `sha256:${random.text(12, hex)}` } } }),
    () => ({ why: 'config of an unknown blob', value: { ...manifest, config: { ...config, digest: unknownDigest } } }),
    () => ({ why: 'config with a bad size', value: { ...manifest, config: { ...config, size: random.pick<unknown>([-1, '10', 1.5, null, 2 ** 60]) } } }),
    () => ({ why: 'config mediaType of the wrong JSON type', value: { ...manifest, config: { ...config, mediaType: wrongType() } } }),
    () => ({ why: 'layer artifactType of the wrong JSON type', value: { ...manifest, layers: [{ ...layers[0], artifactType: 7 }] } }),
    () => ({ why: 'layers not a list of descriptors', value: { ...manifest, layers: random.pick<unknown>(['x', [1], [{}], {}]) } }),
    () => ({ why: 'a layer of an unknown blob', value: { ...manifest, layers: [...layers, { ...layers[0], digest: unknownDigest }] } }),
    () => ({ why: 'annotations not a map of strings', value: { ...manifest, annotations: random.pick<unknown>([{ a: 1 }, [], 'x', { a: { b: 'c' } }]) } }),
    () => ({ why: 'a subject that is no descriptor', value: { ...manifest, subject: random.pick<unknown>(['x', 5, { digest: 'nope' }]) } }),
  ];
  const chosen = random.pick(breaks)();
  return { why: chosen.why, body: json(chosen.value) };
}

export function registryTemplates(): Template[] {
  const token = (f: { token: string }) => ({ authorization: `Bearer ${f.token}` });
  const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json';
  return [
    (f, r) => {
      const name = badRepository(r);
      const [method, suffix] = r.pick([
        ['GET', 'tags/list'],
        ['GET', 'manifests/latest'],
        ['PUT', 'manifests/latest'],
        ['GET', `blobs/${unknownDigest}`],
        ['POST', 'blobs/uploads/'],
        ['GET', `referrers/${unknownDigest}`],
      ] as const);
      return {
        name: `${method} a repository name that breaks the grammar: ${name.slice(0, 40)}`,
        request: { method, path: `/v2/${name}/${suffix}`, headers: token(f), body: method === 'PUT' ? json(f.manifest) : undefined },
      };
    },
    (f, r) => {
      const reference = badReference(r);
      const method = r.pick(['GET', 'HEAD', 'DELETE', 'PUT']);
      return {
        name: `${method} a manifest reference that is neither tag nor digest: ${reference.slice(0, 40)}`,
        head: method === 'HEAD',
        request: {
          method,
          path: `/v2/${f.repository}/manifests/${reference}`,
          headers: { ...token(f), 'content-type': dockerManifest },
          body: method === 'PUT' ? json(f.manifest) : undefined,
        },
      };
    },
    (f, r) => {
      const reference = r.pick([unknownDigest, `nosuchtag${r.text(4)}`]);
      const method = r.pick(['GET', 'HEAD', 'DELETE']);
      return {
        name: `${method} a manifest the repository does not hold`,
        head: method === 'HEAD',
        request: { method, path: `/v2/${f.repository}/manifests/${reference}`, headers: token(f) },
      };
    },
    (f, r) => {
      const { why, body } = brokenManifest(f.manifest, r);
      return {
        name: `PUT a manifest with ${why}`,
        request: {
          method: 'PUT',
          path: `/v2/${f.repository}/manifests/${r.pick([f.tag, `h${r.text(6)}`])}`,
          headers: { ...token(f), 'content-type': dockerManifest },
          body,
        },
      };
    },
    (f, r) => {
      const body = r.pick([
        () => json(f.manifest).slice(0, 10 + r.int(json(f.manifest).length - 12)),
        () => r.pick(['[]', '"manifest"', 'null', '5', '']),
        () => `\u0001${r.text(200, '{}[]":,abc')}`,
        () => `{"schemaVersion":2,"mediaType":"${dockerManifest}","config":${nested(5000)},"layers":[]}`,
      ])();
      return {
        name: 'PUT a manifest that is not a JSON object',
        request: { method: 'PUT', path: `/v2/${f.repository}/manifests/h${r.text(6)}`, headers: { ...token(f), 'content-type': dockerManifest }, body },
      };
    },
    (f, r) => {
      const type = r.pick([
        'application/vnd.docker.distribution.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.v1+prettyjws',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.index.v1+json',
      ]);
      return {
        name: `PUT a manifest whose Content-Type ${type} contradicts it`,
        request: { method: 'PUT', path: `/v2/${f.repository}/manifests/h${r.text(6)}`, headers: { ...token(f), 'content-type': type }, body: json(f.manifest) },
      };
    },
    (f, r) => ({
      name: 'PUT a manifest by a digest it does not have',
      request: {
        method: 'PUT',
        path: `/v2/${f.repository}/manifests/${unknownDigest}`,
        headers: { ...token(f), 'content-type': dockerManifest },
        body: json({ ...f.manifest, annotations: { n: r.text(8) } }),
      },
    }),
    (f) => ({
      name: 'PUT a manifest over 4 MiB',
      request: {
        method: 'PUT',
        path: `/v2/${f.repository}/manifests/big`,
        headers: { ...token(f), 'content-type': dockerManifest },
        body: json({ ...f.manifest, annotations: { pad: 'x'.repeat(4 * 1024 * 1024 + 10) } }),
      },
    }),
    (f, r) => {
      const digest = r.pick([`sha256:${r.text(20, hex)}`, 'md5:abc', unknownDigest]);
      return {
        name: `POST a monolithic upload whose digest ${digest} is malformed or does not match`,
        request: { method: 'POST', path: `/v2/${f.repository}/blobs/uploads/?digest=${digest}`, headers: token(f), body: r.text(64) },
      };
    },
    (f, r) => {
      const id = r.pick(['not-a-uuid', '../../etc/passwd', '00000000-0000-4000-8000-000000000000', `${r.text(8, hex)}-${r.text(4, hex)}`]);
      const method = r.pick(['PATCH', 'PUT', 'GET', 'DELETE']);
      return {
        name: `${method} an upload session that does not exist`,
        request: {
          method,
          path: `/v2/${f.repository}/blobs/uploads/${encodeURIComponent(id)}${method === 'PUT' ? `?digest=${unknownDigest}` : ''}`,
          headers: token(f),
          body: method === 'PATCH' ? 'data' : undefined,
        },
      };
    },
    (f, r) => {
      const range = r.pick(['10-5', 'abc', '5-', '-5', '1-2', 'bytes=9999999999999999-1', '0-0', '0--1', '0-18446744073709551616']);
      return {
        name: `PATCH a chunk with Content-Range ${range}`,
        request: {
          method: 'PATCH',
          path: f.uploadPath,
          headers: { ...token(f), 'content-range': range, 'content-type': 'application/octet-stream' },
          body: 'xy',
        },
      };
    },
    (f, r) => {
      const digest = r.pick(['', 'sha256:abc', 'nope']);
      return {
        name: `PUT to finish an upload with ${digest ? `the malformed digest ${digest}` : 'no digest'}`,
        request: { method: 'PUT', path: `${f.uploadPath}${digest ? `?digest=${digest}` : ''}`, headers: token(f) },
      };
    },
    (f, r) => {
      const digest = badReference(r);
      return {
        name: `GET a blob by the malformed digest ${digest.slice(0, 30)}`,
        request: { method: r.pick(['GET', 'DELETE']), path: `/v2/${f.repository}/blobs/${digest}`, headers: token(f) },
      };
    },
    (f) => ({
      name: 'GET a blob the repository does not hold',
      request: { method: 'GET', path: `/v2/${f.repository}/blobs/${unknownDigest}`, headers: token(f) },
    }),
    (f, r) => {
      const n = r.pick(['abc', '-1', '1.5', '1e3', '%20']);
      const path = r.pick([`/v2/${f.repository}/tags/list`, '/v2/_catalog']);
      return { name: `GET ${path} with n=${n}`, request: { method: 'GET', path: `${path}?n=${n}`, headers: token(f) } };
    },
    (f, r) => ({
      name: 'GET the referrers of a malformed digest',
      request: { method: 'GET', path: `/v2/${f.repository}/referrers/${r.pick(['sha256:zz', 'latest', 'md5:00'])}`, headers: token(f) },
    }),
    (f, r) => {
      const [method, path] = r.pick([
        ['POST', `/v2/${f.repository}/manifests/v1`],
        ['PATCH', `/v2/${f.repository}/manifests/v1`],
        ['POST', `/v2/${f.repository}/blobs/${unknownDigest}`],
        ['PUT', `/v2/${f.repository}/blobs/${unknownDigest}`],
        ['GET', `/v2/${f.repository}/blobs/uploads/`],
        ['PUT', '/v2/'],
        ['DELETE', '/v2/'],
        ['POST', '/v2/_catalog'],
        ['DELETE', `/v2/${f.repository}/tags/list`],
        ['PUT', `/v2/${f.repository}/referrers/${unknownDigest}`],
      ] as const);
      return {
        name: `${method} ${path.replace(f.repository, '<repo>')}, which no route serves`,
        request: { method, path, headers: token(f), body: method === 'GET' ? undefined : '{}' },
      };
    },
    (f, r) => {
      const authorization = r.pick([
        'Bearer nope',
        'Bearer ',
        `Basic ${Buffer.from('nocolon').toString('base64')}`,
        'Basic !!!',
        `Bearer ${'x'.repeat(8000)}`,
        'Negotiate abc',
      ]);
      return {
        name: `GET a manifest with the credentials "${authorization.slice(0, 20)}"`,
        request: { method: 'GET', path: `/v2/${f.repository}/manifests/${f.tag}`, headers: { authorization } },
      };
    },
    (f, r) => ({
      name: 'GET a registry path that does not exist',
      request: {
        method: 'GET',
        path: r.pick(['/v2/hostile', '/v2/hostile/pushed', '/v2/hostile/pushed/nothing/here', `/v2/${f.repository}/manifests/`]),
        headers: token(f),
      },
    }),
  ];
}
