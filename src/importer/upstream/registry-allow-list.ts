// `ims serve --allowed-registries`: which registries imports and pull-through may name, as
// OpenShift's allowedRegistriesForImport (SPEC §2.4 step 1). Patterns are host or host:port globs;
// a pattern without a port matches 443 and 80, the ports a reference without one is reached on.
// It judges names only; where a name leads is the address guard's business.

export interface RegistryAllowList {
  /** Why `registry` (host[:port] as a reference names it) may not be used, or undefined when it may. */
  refusal(registry: string, insecure: boolean): string | undefined;
}

/** Whether `text` is a pattern --allowed-registries accepts: `host`, `host:port`, with `*` in either. */
export function isRegistryPattern(text: string): boolean {
  return /^(?:[a-z0-9*](?:[a-z0-9*.-]*[a-z0-9*])?|\[[0-9a-f:.*]+\])(?::(?:\d{1,5}|\*))?$/i.test(text);
}

/**
 * Every registry is allowed when `patterns` is undefined (the default). `alwaysAllowed` names
 * registries that no list can refuse: this server's own, as OpenShift always allows the integrated one.
 */
export function createRegistryAllowList(patterns: readonly string[] | undefined, alwaysAllowed: readonly string[] = []): RegistryAllowList {
  const always = new Set(alwaysAllowed.map((host) => host.toLowerCase()));
  const compiled = (patterns ?? []).map(compilePattern);
  return {
    refusal(registry, insecure) {
      if (!patterns || always.has(registry.toLowerCase())) return undefined;
      const { host, port } = splitHostPort(registry.toLowerCase());
      const effectivePort = port ?? (insecure ? '80' : '443');
      // Docker Hub is docker.io in references and registry-1.docker.io on the wire: either name allows it.
      const names = host === 'registry-1.docker.io' || host === 'index.docker.io' ? [host, 'docker.io'] : [host];
      if (compiled.some((p) => names.some((name) => p.host.test(name)) && p.ports(effectivePort))) return undefined;
      const listed = compiled.map((p) => `"${p.shown}"`).join(', ');
      return `registry "${host}:${effectivePort}" not allowed by ${listed ? `whitelist: ${listed}` : 'empty whitelist'}`;
    },
  };
}

function compilePattern(pattern: string): { host: RegExp; ports: (port: string) => boolean; shown: string } {
  const { host, port } = splitHostPort(pattern.toLowerCase());
  const glob = host
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return {
    host: new RegExp(`^${glob}$`),
    ports: port === undefined ? (p) => p === '443' || p === '80' : port === '*' ? () => true : (p) => p === port,
    // Shown as OpenShift shows a port-less entry: with the secure default.
    shown: `${host}:${port ?? '443'}`,
  };
}

function splitHostPort(text: string): { host: string; port?: string } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::([^:]*))?$/.exec(text);
  if (!match) return { host: text };
  return { host: match[1], port: match[2] || undefined };
}
