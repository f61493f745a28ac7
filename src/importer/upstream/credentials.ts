// Registry credentials from docker config content (pull secrets, podman auth.json), matched to an
// image the way Kubernetes' keyring matches them (SPEC §2.10): most specific key first, same port,
// glob host labels, path prefix, and the Docker Hub fallback.

export interface Credential {
  readonly username: string;
  readonly password: string;
  /** The secret that supplied it, by name: recorded on imports, never its content. */
  readonly source: string;
}

interface Entry {
  readonly host: string;
  readonly port: string;
  readonly path: string;
  readonly key: string;
  readonly credential: Credential;
}

/** A registry entry of a secret that holds no usable credentials, and why. */
export interface UnusableEntry {
  readonly source: string;
  readonly registry: string;
  readonly reason: string;
}

export class CredentialKeyring {
  private readonly entries: Entry[];
  private readonly unusable: readonly (UnusableEntry & { readonly match: { host: string; port: string; path: string } })[];

  constructor(entries: readonly Entry[], unusable: readonly (UnusableEntry & { readonly match: { host: string; port: string; path: string } })[] = []) {
    this.entries = [...entries].sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    this.unusable = unusable;
  }

  /** Entries for `registry/path` that could not be used, so a refused import can name them. */
  unusableFor(registry: string, path = ''): UnusableEntry[] {
    const target = parseKey(`${registry}/${path}`);
    if (!target) return [];
    return this.unusable
      .filter((e) => e.match.port === target.port && hostMatches(e.match.host, target.host) && target.path.startsWith(e.match.path))
      .map(({ source, registry: key, reason }) => ({ source, registry: key, reason }));
  }

  static empty(): CredentialKeyring {
    return new CredentialKeyring([]);
  }

  /** Keys and entries from `{"auths": {...}}` or a legacy `.dockercfg` map; malformed entries are skipped. */
  static fromDockerConfigs(configs: readonly { source: string; content: unknown }[]): CredentialKeyring {
    const entries: Entry[] = [];
    const unusable: (UnusableEntry & { match: { host: string; port: string; path: string } })[] = [];
    for (const { source, content } of configs) {
      const auths = isObject(content) && isObject(content.auths) ? content.auths : isObject(content) && !('auths' in content) ? content : {};
      for (const [key, value] of Object.entries(auths)) {
        const parsed = parseKey(key);
        if (!parsed) continue;
        const refuse = (reason: string) => void unusable.push({ source, registry: key, reason, match: parsed });
        if (!isObject(value)) {
          refuse('the entry is not an object');
          continue;
        }
        let username = typeof value.username === 'string' ? value.username : '';
        let password = typeof value.password === 'string' ? value.password : '';
        if ((!username || !password) && typeof value.auth === 'string' && value.auth) {
          const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(value.auth) ? Buffer.from(value.auth, 'base64').toString('utf8') : '';
          const colon = decoded.indexOf(':');
          if (colon > 0) {
            username = decoded.slice(0, colon);
            password = decoded.slice(colon + 1);
          } else if (!username && !password) {
            refuse('its "auth" is not base64 of user:password');
            continue;
          }
        }
        if (!username && !password) {
          refuse('it has no username, password or auth');
          continue;
        }
        entries.push({ ...parsed, credential: { username, password, source } });
      }
    }
    return new CredentialKeyring(entries, unusable);
  }

  /** The first credential matching `registry/path` (registry as host[:port]). */
  lookup(registry: string, path = ''): Credential | undefined {
    const target = parseKey(`${registry}/${path}`);
    if (!target) return undefined;
    for (const entry of this.entries) {
      if (entry.port !== target.port) continue;
      if (!hostMatches(entry.host, target.host)) continue;
      if (!target.path.startsWith(entry.path)) continue;
      return entry.credential;
    }
    if (isDockerHub(registry)) {
      return this.entries.find((e) => e.host === 'index.docker.io' || e.host === 'docker.io' || e.host === 'registry-1.docker.io')?.credential;
    }
    return undefined;
  }
}

function parseKey(key: string): { host: string; port: string; path: string; key: string } | undefined {
  let text = key.trim();
  if (!/^[a-z]+:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  let path = url.pathname.replace(/^\/+/, '');
  path = path.replace(/^v[12]\/?/, '');
  const host = url.hostname.toLowerCase();
  // URL drops default ports; keep what the key said.
  const explicitPort = /^[a-z]+:\/\/[^/]+:(\d+)/i.exec(text)?.[1] ?? '';
  return { host, port: explicitPort, path: path.replace(/\/+$/, ''), key: `${host}${explicitPort ? `:${explicitPort}` : ''}${path ? `/${path}` : ''}` };
}

function hostMatches(pattern: string, host: string): boolean {
  const patternLabels = pattern.split('.');
  const hostLabels = host.split('.');
  if (patternLabels.length !== hostLabels.length) return false;
  return patternLabels.every((label, i) => globMatch(label, hostLabels[i]));
}

function globMatch(pattern: string, text: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^.]*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(text);
}

function isDockerHub(registry: string): boolean {
  return registry === '' || registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
