// Hostile webhook deliveries, generated from a seeded source: bodies too large (declared or sent),
// not JSON, nested without end, of the wrong shape for their sender, naming repositories, tags and
// hosts no pull spec allows; URLs with wrong secrets, bad signatures, odd segments; other methods
// and media types. Signing senders' cases are signed properly, so they reach the payload readers.
import type { Random } from '../seeded-random.ts';
import type { RawRequest } from '../raw-http.ts';
import { signatureOf } from '../../../src/webhooks/sender-verification.ts';

export interface HookUnderTest {
  readonly type: string;
  /** The path of the receiver's URL. */
  readonly path: string;
  /** For signing senders. */
  readonly secret?: string;
}

export interface WebhookCase extends RawRequest {
  readonly name: string;
}

const hostileStrings = [
  '../../etc/passwd',
  'team/app:1@sha256:abc',
  'a\r\nx-injected: 1',
  'A'.repeat(300),
  'Team/App',
  'team//app',
  '%2e%2e/secret',
  'user:pass@169.254.169.254',
  '169.254.169.254/latest/meta-data',
  'ünïcödé/app',
  '',
  ' team/app',
  'team/app\u0000',
  '-',
];
const hostileValues: unknown[] = [...hostileStrings, 42, true, null, [], {}, ['team/app'], { $ne: '' }];

/**
 * The usual shape of each sender's payload, with `value` where a repository, tag or host goes
 * (`slot`); the rest names a repository the project does not track, so a well-formed case that
 * is verified does nothing.
 */
const shapes: Record<string, (value: unknown, slot: number) => unknown> = {
  distribution: (v, slot) => ({
    events: [
      {
        id: 'x',
        action: 'push',
        target: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          repository: slot === 0 ? v : 'team/untracked',
          tag: slot === 1 ? v : '1',
          digest: slot === 2 ? v : undefined,
        },
        request: { host: slot === 3 ? v : '127.0.0.1:1' },
      },
    ],
  }),
  gitlab: (v, slot) => shapes.distribution(v, slot),
  dockerhub: (v, slot) => ({ push_data: { tag: slot % 2 ? v : '1' }, repository: { repo_name: slot % 2 ? 'team/untracked' : v } }),
  quay: (v, slot) => ({
    repository: slot === 0 ? v : 'team/untracked',
    docker_url: slot === 3 ? v : 'quay.io/team/untracked',
    updated_tags: slot === 1 ? [v] : v,
  }),
  harbor: (v, slot) => ({
    type: 'PUSH_ARTIFACT',
    event_data: {
      resources: [{ tag: slot === 1 ? v : '1', digest: slot === 2 ? v : undefined, resource_url: slot === 3 ? v : 'h.example.com/team/untracked:1' }],
      repository: { repo_full_name: slot === 0 ? v : 'team/untracked' },
    },
  }),
  ghcr: (v, slot) => ({
    action: 'published',
    registry_package: {
      name: slot === 0 ? v : 'untracked',
      namespace: slot === 3 ? v : 'team',
      package_type: 'CONTAINER',
      package_version: { container_metadata: { tag: { name: slot === 1 ? v : '1', digest: slot === 2 ? v : undefined } } },
    },
  }),
  generic: (v, slot) => ({ repository: slot === 0 || slot === 3 ? v : 'team/untracked', tag: slot === 1 ? v : '1', digest: slot === 2 ? v : undefined }),
};

type Template = (random: Random, hook: HookUnderTest) => Omit<WebhookCase, 'name'> & { name: string };

const json = { 'content-type': 'application/json' };

/** Headers that make a body pass verification: a valid signature for signing senders, nothing else for the others. */
function signed(hook: HookUnderTest, body: Buffer | string, extra: Record<string, string> = {}): Record<string, string> {
  const signature = hook.secret ? { [hook.type === 'ghcr' ? 'x-hub-signature-256' : 'x-signature-256']: signatureOf(body, hook.secret) } : {};
  return { ...json, ...(hook.type === 'ghcr' ? { 'x-github-event': 'registry_package' } : {}), ...signature, ...extra };
}

const templates: Template[] = [
  (random, hook) => {
    const value = random.pick(hostileValues);
    const slot = random.int(4);
    const body = JSON.stringify(shapes[hook.type](value, slot));
    return { name: `hostile ${JSON.stringify(value)?.slice(0, 40)} in slot ${slot}`, method: 'POST', path: hook.path, headers: signed(hook, body), body };
  },
  (random, hook) => {
    const body = random.pick(['{', '{"events":', 'nul', '\u0000\u0001', '{"a":1}}', '<xml/>', '']);
    return { name: `not JSON ${JSON.stringify(body)}`, method: 'POST', path: hook.path, headers: signed(hook, body), body };
  },
  (random, hook) => {
    const body = random.pick(['[]', '"text"', '1', 'null', '[{"events":[]}]']);
    return { name: `not an object: ${body}`, method: 'POST', path: hook.path, headers: signed(hook, body), body };
  },
  (random, hook) => {
    const depth = 20_000 + random.int(100_000);
    const body = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return { name: `nested ${depth} deep`, method: 'POST', path: hook.path, headers: signed(hook, body), body };
  },
  (random, hook) => {
    const body = JSON.stringify({ filler: 'x'.repeat(1024 * 1024 + random.int(4096)) });
    return { name: 'a body over 1 MiB', method: 'POST', path: hook.path, headers: signed(hook, body), body };
  },
  (_random, hook) => ({
    name: 'a declared length over 1 MiB',
    method: 'POST',
    path: hook.path,
    headers: { ...json, 'content-length': String(50 * 1024 * 1024) },
    body: '{}',
  }),
  (random, hook) => {
    const events = Array.from({ length: 101 + random.int(50) }, () => ({ action: 'push', target: { mediaType: 'x', repository: 'team/app', tag: '1' } }));
    const body = JSON.stringify(hook.type === 'distribution' || hook.type === 'gitlab' ? { events } : { updated_tags: events, repository: 'team/app' });
    return { name: 'too many events', method: 'POST', path: hook.path, headers: signed(hook, body), body };
  },
  (_random, hook) => {
    const body = JSON.stringify({ __proto__: { tag: '1', repository: 'team/app' }, constructor: { prototype: { tag: '1' } } });
    return { name: 'prototype keys instead of fields', method: 'POST', path: hook.path, headers: signed(hook, body), body };
  },
  (random, hook) => {
    // The tracked repository and tag, which a delivery that got through would import.
    const body = JSON.stringify(shapes[hook.type]('x', 9)).replaceAll('untracked', 'app');
    const forged = hook.secret
      ? {
          ...signed(hook, body),
          [hook.type === 'ghcr' ? 'x-hub-signature-256' : 'x-signature-256']: random.pick([
            'sha256=',
            `sha256=${random.text(64, '0123456789abcdef')}`,
            'md5=x',
            '',
          ]),
        }
      : json;
    const path = hook.secret ? hook.path : hook.path.replace(/\/[0-9a-f]{48}\//, `/${random.pick([random.text(48, '0123456789abcdef'), 'x', '%00', '..'])}/`);
    return { name: 'a forged proof', method: 'POST', path, headers: forged, body };
  },
  (random, hook) => {
    const segment = random.pick(['..', 'UPPER', '%2Fother', 'a'.repeat(80), '-x-', 'x%00y']);
    const path = hook.path.replace(/imagestreamwebhooks\/[^/]+\//, `imagestreamwebhooks/${segment}/`);
    const body = JSON.stringify(shapes[hook.type]('team/app', 9));
    return { name: `a receiver name ${segment}`, method: 'POST', path, headers: signed(hook, body), body };
  },
  (random, hook) => ({
    name: 'an unknown sender type',
    method: 'POST',
    path: hook.path.replace(/\/[a-z]+$/, `/${random.pick(['github', 'DOCKERHUB', 'x'.repeat(300), '%2e%2e'])}`),
    headers: json,
    body: '{}',
  }),
  (random, hook) => ({ name: 'another method', method: random.pick(['GET', 'PUT', 'DELETE', 'PATCH']), path: hook.path, headers: json, body: '{}' }),
  (random, hook) => {
    const body = JSON.stringify(shapes[hook.type]('team/app', 9));
    const type = random.pick(['text/xml', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']);
    return { name: `content type ${type}`, method: 'POST', path: hook.path, headers: signed(hook, body, { 'content-type': type }), body };
  },
];

/** `count` cases, spread over the receivers, each named so a failure can be found again. */
export function webhookCases(random: Random, hooks: readonly HookUnderTest[], count: number): WebhookCase[] {
  return Array.from({ length: count }, (_, i) => {
    const hook = hooks[i % hooks.length];
    const built = random.pick(templates)(random, hook);
    return { ...built, name: `#${i} ${hook.type}: ${built.name}` };
  });
}
