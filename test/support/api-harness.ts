// The whole server in-process over its handle(Request) → Response, on a memory store, bootstrapped
// like a first start. Tests talk HTTP semantics without a socket. Fake upstreams listen on loopback,
// so the harness allows private registries unless a test asks for the production default.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { composeServer, type ComposedServer } from '../../src/server/compose.ts';
import { parseServeFlags } from '../../src/server/config.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import { MemoryResourceStore } from '../../src/store/memory/memory-resource-store.ts';
import type { BlobStore } from '../../src/blobs/blob-store.ts';
import type { ResourceStore } from '../../src/store/resource-store.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { objectKey } from '../../src/kube/object.ts';
import { readFileSync } from 'node:fs';
import { makeTempDir } from './temp-dir.ts';

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
  readonly text: string;
}

export interface Harness {
  readonly server: ComposedServer;
  readonly store: ResourceStore;
  readonly adminToken: string;
  request(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; contentType?: string; accept?: string; headers?: Record<string, string> },
  ): Promise<ApiAnswer>;
  /** A logged-in user (as after `ims login -u`) with no special rights, and its token. */
  userToken(name: string, groups?: string[]): Promise<string>;
  serviceAccountToken(namespace: string, name: string): Promise<string>;
}

export interface HarnessOptions {
  readonly blobs?: BlobStore;
  /** Another harness's store, to serve the same data with other flags (or etcd); a fresh memory one by default. */
  readonly store?: ResourceStore;
  /** Pass --allow-private-registries (default true: the fake upstreams are on 127.0.0.1). */
  readonly allowPrivateRegistries?: boolean;
}

export async function startHarness(flags: string[] = [], options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = makeTempDir('ims-harness');
  mkdirSync(dataDir, { recursive: true });
  const config = parseServeFlags([
    '--data-dir',
    dataDir,
    '--store',
    'memory',
    ...(options.allowPrivateRegistries === false ? [] : ['--allow-private-registries']),
    ...flags,
  ]);
  const store = options.store ?? new MemoryResourceStore();
  const server = await composeServer(config, { logger: silentLogger, clock: systemClock, store, blobs: options.blobs });
  await bootstrap({ store, tokens: server.tokens, clock: systemClock, dataDir });
  const adminToken = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  let counter = 0;
  return {
    server,
    store,
    adminToken,
    async request(method, path, options = {}) {
      const headers = new Headers(options.headers);
      const token = options.token === undefined ? adminToken : options.token;
      if (token) headers.set('authorization', `Bearer ${token}`);
      if (options.accept) headers.set('accept', options.accept);
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers.set('content-type', options.contentType ?? 'application/json');
      }
      const response = await server.handle(new Request(`http://127.0.0.1:8080${path}`, { method, headers, body }), `test-${++counter}`);
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, json, text };
    },
    async userToken(name, groups = []) {
      await store.create(objectKey('user.openshift.io', 'users', '', name), { metadata: { name }, identities: [`htpasswd:${name}`], groups }).catch(() => {});
      return server.tokens.issue({ kind: 'user', userName: name });
    },
    async serviceAccountToken(namespace, name) {
      return server.tokens.issue({ kind: 'serviceaccount', namespace, name }, 3600);
    },
  };
}
