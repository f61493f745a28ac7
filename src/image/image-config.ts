// Reads an image config blob (Docker or OCI) into the fields OpenShift's Image metadata shows.

export interface ImageConfigSummary {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly created?: string;
  readonly author?: string;
  readonly config: {
    readonly Env?: string[];
    readonly Cmd?: string[];
    readonly Entrypoint?: string[];
    readonly ExposedPorts?: Record<string, unknown>;
    readonly User?: string;
    readonly WorkingDir?: string;
    readonly Labels?: Record<string, string>;
    readonly Volumes?: Record<string, unknown>;
  };
}

/** Undefined when the blob is not a JSON object (artifacts may carry any config). */
export function summariseImageConfig(bytes: Uint8Array): ImageConfigSummary | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const c = parsed as Record<string, unknown>;
  const inner = (typeof c.config === 'object' && c.config !== null ? c.config : {}) as Record<string, unknown>;
  const pick = <T>(value: unknown, check: (v: unknown) => boolean): T | undefined => (check(value) ? (value as T) : undefined);
  const isStrings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isString = (v: unknown) => typeof v === 'string';
  // Labels are strings and ports and volumes empty objects in every config a builder writes; anything
  // else a pushed config holds there (nested a million levels, say) must not reach the Image object.
  const labels = (v: unknown) =>
    (isMap(v) ? Object.fromEntries(Object.entries(v).filter(([, value]) => typeof value === 'string')) : undefined) as Record<string, string> | undefined;
  const keys = (v: unknown) => (isMap(v) ? Object.fromEntries(Object.keys(v).map((key) => [key, {}])) : undefined);
  return {
    architecture: pick(c.architecture, isString),
    os: pick(c.os, isString),
    variant: pick(c.variant, isString),
    created: pick(c.created, isString),
    author: pick(c.author, isString),
    config: {
      Env: pick(inner.Env, isStrings),
      Cmd: pick(inner.Cmd, isStrings),
      Entrypoint: pick(inner.Entrypoint, isStrings),
      ExposedPorts: keys(inner.ExposedPorts),
      User: pick(inner.User, isString),
      WorkingDir: pick(inner.WorkingDir, isString),
      Labels: labels(inner.Labels),
      Volumes: keys(inner.Volumes),
    },
  };
}
