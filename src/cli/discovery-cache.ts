// The server's discovery, kept on disk for six hours as kubectl keeps it (~/.kube/cache/discovery):
// ours is under `cache/discovery/<host_port>/` beside the CLI config (or $IMS_CACHE_DIR). A name
// the cached copy does not know makes the resolver ask the server again before it gives up.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiClient } from './api-client.ts';
import type { ResourceInfo } from './resource-resolver.ts';
import { ResourceResolver, discoverResources } from './resource-resolver.ts';
import type { CliEnv } from './config.ts';
import { configPath } from './config.ts';

/** kubectl's default discovery cache TTL. */
export const discoveryTtlMs = 6 * 60 * 60 * 1000;

interface CachedDiscovery {
  readonly server: string;
  readonly fetchedAt: number;
  readonly resources: readonly ResourceInfo[];
}

export function cacheDir(env: CliEnv = process.env): string {
  return env.IMS_CACHE_DIR || join(dirname(configPath(env)), 'cache');
}

/** `127.0.0.1_8443`: one directory per server, as kubectl names them. */
export function discoveryFile(server: string, dir: string = cacheDir()): string {
  const url = new URL(server);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return join(dir, 'discovery', `${url.hostname}_${port}`.replace(/[^A-Za-z0-9._-]/g, '_'), 'resources.json');
}

function readCache(server: string, now: number, dir: string): readonly ResourceInfo[] | undefined {
  try {
    const cached = JSON.parse(readFileSync(discoveryFile(server, dir), 'utf8')) as CachedDiscovery;
    if (cached.server !== server || !Array.isArray(cached.resources) || !(now - cached.fetchedAt < discoveryTtlMs) || cached.fetchedAt > now) return undefined;
    return cached.resources;
  } catch {
    return undefined; // none yet, or unreadable: ask the server
  }
}

/** Written whole to a temp file and renamed, so a concurrent `ims` never reads half of it. */
function writeCache(server: string, resources: readonly ResourceInfo[], now: number, dir: string): void {
  const file = discoveryFile(server, dir);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ server, fetchedAt: now, resources } satisfies CachedDiscovery), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // A cache that cannot be written only costs the next command a discovery request.
  }
}

/** Asks the server, and keeps the answer for the next commands. */
export async function freshResources(client: Pick<ApiClient, 'discovery' | 'options'>, now = Date.now(), dir = cacheDir()): Promise<readonly ResourceInfo[]> {
  const resources = await discoverResources(client);
  writeCache(client.options.server, resources, now, dir);
  return resources;
}

/** `context.resolver()`: the cached discovery when it is young enough, else the server's, once per command. */
export function cachedResolver(
  client: () => Pick<ApiClient, 'discovery' | 'options'>,
  now: () => number = Date.now,
  dir: string = cacheDir(),
): () => Promise<ResourceResolver> {
  let resolver: Promise<ResourceResolver> | undefined;
  return () =>
    (resolver ??= (async () => {
      const api = client();
      const refresh = () => freshResources(api, now(), dir);
      const cached = readCache(api.options.server, now(), dir);
      return cached ? new ResourceResolver(cached, refresh) : new ResourceResolver(await refresh());
    })());
}
