// Builds small but real test images without docker: an OCI image layout on disk holding a
// single-platform image and a three-platform index (linux/amd64, linux/arm64/v8, linux/ppc64le),
// with gzipped tar layers and image configs. Deterministic: the same bytes on every run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTempDir } from './temp-dir.ts';

export interface BuiltBlob {
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
  readonly mediaType: string;
  /** For a compressed layer: the digest of its uncompressed tar (the config's diff_id). */
  readonly diffId?: string;
}

export const platforms = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux', variant: 'v8' },
  { architecture: 'ppc64le', os: 'linux' },
] as const;

const sha = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A one-file tar archive (ustar), enough for a layer. */
export function tarWithFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(content.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('13000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

export function blob(bytes: Buffer, mediaType: string): BuiltBlob {
  return { digest: sha(bytes), size: bytes.length, bytes, mediaType };
}

export function layer(seed: string, size = 2048): BuiltBlob {
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i += 32) createHash('sha256').update(`${seed}:${i}`).digest().copy(content, i);
  const tar = tarWithFile(`data/${seed}.bin`, content);
  return { ...blob(gzipSync(tar, { level: 6 }), 'application/vnd.oci.image.layer.v1.tar+gzip'), diffId: sha(tar) };
}

export function imageConfig(platform: { architecture: string; os: string; variant?: string }, layers: readonly BuiltBlob[], label: string): BuiltBlob {
  const config = {
    created: '2020-01-01T00:00:00Z',
    author: 'imagestream tests',
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {
      Env: ['PATH=/usr/bin:/bin', `IMAGE=${label}`],
      Cmd: ['/bin/app', '--serve'],
      Entrypoint: ['/bin/entry'],
      ExposedPorts: { '8080/tcp': {} },
      User: '1001',
      WorkingDir: '/srv',
      Labels: { 'io.example.name': label },
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId ?? l.digest) },
    history: layers.map(() => ({ created: '2020-01-01T00:00:00Z', created_by: 'test' })),
  };
  return blob(Buffer.from(JSON.stringify(config)), 'application/vnd.oci.image.config.v1+json');
}

export function imageManifest(config: BuiltBlob, layers: readonly BuiltBlob[]): BuiltBlob {
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return blob(Buffer.from(JSON.stringify(manifest, null, 2)), 'application/vnd.oci.image.manifest.v1+json');
}

export interface OciLayout {
  readonly dir: string;
  /** Tag in the layout → manifest or index. */
  readonly refs: Record<string, BuiltBlob>;
  readonly blobs: readonly BuiltBlob[];
}

/** Writes the layout: `single` (one platform) and `multi` (an index of three). */
export function buildOciLayout(label = 'app'): OciLayout {
  const dir = makeTempDir('ims-oci');
  const all: BuiltBlob[] = [];
  const add = (...items: BuiltBlob[]) => {
    all.push(...items);
    return items;
  };
  const base = layer(`${label}-base`, 4096);
  const single = (() => {
    const layers = [base, layer(`${label}-single-top`)];
    const config = imageConfig(platforms[0], layers, `${label}-single`);
    const manifest = imageManifest(config, layers);
    add(...layers, config, manifest);
    return manifest;
  })();
  const children = platforms.map((platform) => {
    const layers = [base, layer(`${label}-${platform.architecture}`)];
    const config = imageConfig(platform, layers, `${label}-${platform.architecture}`);
    const manifest = imageManifest(config, layers);
    add(...layers, config, manifest);
    return { manifest, platform };
  });
  const index = blob(
    Buffer.from(
      JSON.stringify(
        {
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: children.map(({ manifest, platform }) => ({ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size, platform })),
        },
        null,
        2,
      ),
    ),
    'application/vnd.oci.image.index.v1+json',
  );
  add(index);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const item of all) writeFileSync(join(dir, 'blobs', 'sha256', item.digest.slice(7)), item.bytes);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const refs = { single, multi: index };
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: Object.entries(refs).map(([name, item]) => ({
        mediaType: item.mediaType,
        digest: item.digest,
        size: item.size,
        annotations: { 'org.opencontainers.image.ref.name': name },
      })),
    }),
  );
  return { dir, refs, blobs: all };
}
