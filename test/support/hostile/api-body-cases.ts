// Hostile API bodies, written from the Kubernetes API conventions and RFCs 6902/7386: JSON, YAML
// and protobuf that is malformed or nests or repeats itself past the limits, objects whose
// metadata or fields have the wrong types, and patches that cannot apply or would leave an
// object no write accepts. Every case targets the hostile namespace or its fixture objects.
import type { Template } from './case.ts';
import type { Fixture } from './fixture.ts';
import type { Random } from '../seeded-random.ts';
import { json, nested } from './case.ts';
import { encodeVarint } from '../../../src/api/protobuf/wire.ts';

interface Target {
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly body: Record<string, unknown>;
}

function target(f: Fixture, random: Random): Target {
  const ns = `/api/v1/namespaces/${f.namespace}`;
  const images = `/apis/image.openshift.io/v1/namespaces/${f.namespace}`;
  const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${f.namespace}`;
  return random.pick<Target>([
    { method: 'POST', path: `${ns}/secrets`, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${random.text(6)}` }, stringData: { a: 'b' } } },
    {
      method: 'POST',
      path: `${images}/imagestreams`,
      body: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: `is-${random.text(6)}` }, spec: {} },
    },
    {
      method: 'POST',
      path: `${rbac}/roles`,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: `r-${random.text(6)}` },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
      },
    },
    {
      method: 'PUT',
      path: `${ns}/secrets/${f.secret}`,
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: f.secret }, type: 'Opaque', data: { password: 'czNjcmV0' } },
    },
    {
      method: 'PUT',
      path: `${images}/imagestreams/${f.stream}`,
      body: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: f.stream }, spec: {} },
    },
  ]);
}

/**
 * A valid body made invalid. The PUTs carry no resourceVersion, which makes them unconditional
 * updates: every break here must be one that no write accepts.
 */
function broken(t: Target, random: Random): { why: string; body: unknown } {
  const wrong = () => random.pick<unknown>([5, 'x', true, [], [1, 2], 1.5]);
  const meta = t.body.metadata as Record<string, unknown>;
  const field = random.pick([
    'name',
    'namespace',
    'generateName',
    'resourceVersion',
    'uid',
    'labels',
    'annotations',
    'finalizers',
    'ownerReferences',
    'generation',
    'creationTimestamp',
  ]);
  const wrongFor = (name: string) =>
    ['labels', 'annotations'].includes(name)
      ? random.pick<unknown>(['x', 5, [1]])
      : ['finalizers', 'ownerReferences'].includes(name)
        ? random.pick<unknown>(['x', 5, [5], {}])
        : name === 'generation'
          ? random.pick<unknown>(['x', 1.5, [], {}])
          : random.pick<unknown>([5, true, [], {}, 1.5]);
  const breaks: (() => { why: string; body: unknown })[] = [
    () => ({ why: 'metadata of the wrong type', body: { ...t.body, metadata: wrong() } }),
    () => ({ why: `metadata.${field} of the wrong type`, body: { ...t.body, metadata: { ...meta, [field]: wrongFor(field) } } }),
    () => ({ why: 'a body that is no object', body: random.pick<unknown>([[], 'x', 5, null, true, [t.body]]) }),
    () => ({ why: 'a mismatched apiVersion', body: { ...t.body, apiVersion: random.pick<unknown>(['v2', 'apps/v1', 5, '']) } }),
    () => ({ why: 'a mismatched kind', body: { ...t.body, kind: random.pick<unknown>(['ConfigMap', 5, 'secret']) } }),
    () => ({ why: "a namespace other than the URL's", body: { ...t.body, metadata: { ...meta, namespace: 'other' } } }),
    () => ({ why: 'an invalid name', body: { ...t.body, metadata: { ...meta, name: random.pick(['..', 'a/b', 'a%b', '']) } } }),
    () => ({
      why: 'an invalid label',
      body: { ...t.body, metadata: { ...meta, labels: random.pick([{ 'bad key!': 'v' }, { k: 'bad value!' }, { k: 'v'.repeat(64) }, { k: 5 }]) } },
    }),
    () => ({ why: 'nesting past 100 levels', body: { ...t.body, deep: JSON.parse(nested(101 + random.int(3000))) } }),
  ];
  if (t.method === 'PUT')
    breaks.push(() => ({ why: "a name other than the URL's", body: { ...t.body, metadata: { ...meta, name: `other-${random.text(4)}` } } }));
  if (t.method === 'PUT') breaks.push(() => ({ why: 'a stale resourceVersion', body: { ...t.body, metadata: { ...meta, resourceVersion: '1' } } }));
  if (t.path.includes('/secrets')) {
    breaks.push(() => ({ why: 'secret data that is not base64', body: { ...t.body, stringData: undefined, data: { a: random.pick(['!!!', 'a b', 'é']) } } }));
    breaks.push(() => ({ why: 'secret data that is no map', body: { ...t.body, stringData: undefined, data: random.pick<unknown>(['x', [1], 5]) } }));
    if (t.method === 'PUT') breaks.push(() => ({ why: 'a changed secret type', body: { ...t.body, type: 'kubernetes.io/basic-auth' } }));
  }
  if (t.path.includes('/imagestreams')) {
    breaks.push(() => ({
      why: 'image stream tags of the wrong type',
      body: { ...t.body, spec: { tags: random.pick<unknown>(['x', 5, [5], [{ name: 5 }], [{}], [{ name: 'a', from: 'x' }]]) } },
    }));
    breaks.push(() => ({ why: 'an image stream spec of the wrong type', body: { ...t.body, spec: random.pick<unknown>(['x', 5, []]) } }));
  }
  if (t.path.includes('/roles'))
    breaks.push(() => ({ why: 'role rules of the wrong type', body: { ...t.body, rules: random.pick<unknown>(['x', 5, [5], [{ verbs: 'get' }], [{}]]) } }));
  return random.pick(breaks)();
}

function hostileYaml(t: Target, random: Random): { why: string; text: string } {
  const name = (t.body.metadata as { name: string }).name;
  const head = `apiVersion: ${t.body.apiVersion}\nkind: ${t.body.kind}\nmetadata:\n  name: ${name}\n`;
  return random.pick([
    () => ({ why: '50,000 aliases', text: `${head}extra:\n  base: &a {k: v}\n  list: [${Array(50_000).fill('*a').join(', ')}]\n` }),
    () => {
      let laughs = 'l0: &l0 [x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i < 9; i++)
        laughs += `l${i}: &l${i} [${Array(9)
          .fill(`*l${i - 1}`)
          .join(', ')}]\n`;
      return { why: 'aliases that expand a billion times', text: `${head}${laughs}` };
    },
    () => ({ why: 'a duplicate key', text: `${head}metadata:\n  name: again\n` }),
    () => ({ why: 'two documents', text: `${head}---\n${head}` }),
    () => ({
      why: 'a syntax error',
      text: random.pick([`${head}spec: [unclosed\n`, `${head}\tbad: tab\n`, `${head}  - misplaced\n`, `${head}a: b: c\n`, `${head}"open: x\n`]),
    }),
    () => ({ why: 'nesting past 100 levels', text: `${head}deep: ${nested(101 + random.int(2000), 'x')}\n` }),
    () => ({ why: 'a document that is no object', text: random.pick(['- a\n- b\n', 'just text\n', '42\n', '~\n']) }),
    () => ({
      why: 'metadata of the wrong type',
      text: `apiVersion: ${t.body.apiVersion}\nkind: ${t.body.kind}\nmetadata: ${random.pick(['text', '[1, 2]', '5'])}\n`,
    }),
    () => ({ why: 'nothing but comments', text: '# nothing\n# here\n' }),
    // JSON is YAML too: the invalid objects of the JSON cases, read by the YAML parser.
    () => ({ why: 'an invalid object', text: json(broken(t, random).body) }),
  ])();
}

/** Protobuf's wire format, for envelopes of Kubernetes' `application/vnd.kubernetes.protobuf`. */
const varint = encodeVarint;
const field = (number: number, bytes: Buffer) => Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
const text = (value: string) => Buffer.from(value);
const magic = Buffer.from('k8s\u0000', 'latin1');

function hostileProtobuf(random: Random): { why: string; bytes: Buffer } {
  const typeMeta = (kind: string) => field(1, Buffer.concat([field(1, text('v1')), field(2, text(kind))]));
  const secret = (object: Buffer) => Buffer.concat([magic, typeMeta('Secret'), field(2, object)]);
  const metadata = field(1, field(1, text(`p-${random.text(5)}`)));
  return random.pick([
    () => ({ why: 'no envelope', bytes: Buffer.from(random.text(40)) }),
    () => ({ why: 'random bytes in the envelope', bytes: Buffer.concat([magic, Buffer.from(Array.from({ length: 64 }, () => random.int(256)))]) }),
    () => ({
      why: 'an envelope of a kind it cannot hold',
      bytes: Buffer.concat([magic, typeMeta(random.pick(['ImageStream', 'Widget', ''])), field(2, metadata)]),
    }),
    () => ({ why: 'a length past the end', bytes: Buffer.concat([magic, Buffer.from([0x0a, 0xff, 0xff, 0x03, 0x01])]) }),
    () => ({ why: 'a varint that never ends', bytes: Buffer.concat([magic, Buffer.alloc(20, 0xff)]) }),
    () => ({ why: 'a field the schema does not know', bytes: secret(Buffer.concat([metadata, field(99, text('surprise'))])) }),
    () => ({ why: 'a string where a message belongs', bytes: secret(Buffer.concat([Buffer.from([0x08, 0x01]), metadata])) }),
    () => ({ why: 'a secret with an invalid name', bytes: secret(field(1, field(1, text('Not_Valid')))) }),
    () => ({ why: 'a wire type protobuf does not have', bytes: Buffer.concat([magic, Buffer.from([0x0f, 0x00])]) }),
  ])();
}

function hostilePatch(f: Fixture, random: Random): { why: string; type: string; body: string } {
  const mergeType = 'application/merge-patch+json';
  const jsonType = 'application/json-patch+json';
  const strategic = 'application/strategic-merge-patch+json';
  const copies = [
    { op: 'add', path: '/metadata/annotations/seed', value: 'x'.repeat(64) },
    ...Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/metadata/annotations', path: `/metadata/annotations/c${i}` })),
  ];
  return random.pick([
    () => ({ why: 'copy operations that double the object', type: jsonType, body: json(copies) }),
    () => ({
      why: 'more operations than allowed',
      type: jsonType,
      body: json(Array.from({ length: 1001 }, (_, i) => ({ op: 'add', path: `/metadata/labels/l${i}`, value: 'v' }))),
    }),
    () => ({ why: 'a JSON patch that is no list', type: jsonType, body: json(random.pick<unknown>([{ op: 'add' }, 'x', 5])) }),
    () => ({
      why: 'an operation without op or path',
      type: jsonType,
      body: json([random.pick<unknown>([{}, { op: 'add' }, { path: '/a' }, 5, { op: 5, path: '/a' }])]),
    }),
    () => ({ why: 'an unknown operation', type: jsonType, body: json([{ op: random.pick(['merge', 'delete', '']), path: '/metadata/labels' }]) }),
    () => ({ why: 'a pointer without a leading slash', type: jsonType, body: json([{ op: 'add', path: 'metadata/labels/x', value: 'y' }]) }),
    () => ({
      why: 'an operation on a missing path',
      type: jsonType,
      body: json([{ op: random.pick(['remove', 'replace']), path: `/spec/${random.text(5)}/x`, value: 1 }]),
    }),
    () => ({
      why: 'a failing test after a change',
      type: jsonType,
      body: json([
        { op: 'add', path: '/metadata/labels/changed', value: 'yes' },
        { op: 'test', path: '/metadata/name', value: 'not-the-name' },
      ]),
    }),
    () => ({ why: 'a move from nowhere', type: jsonType, body: json([{ op: 'move', from: `/${random.text(6)}`, path: '/x' }]) }),
    () => ({ why: 'an add without a value', type: jsonType, body: json([{ op: 'add', path: '/metadata/labels/x' }]) }),
    () => ({
      why: 'an array index out of range',
      type: jsonType,
      body: json([
        { op: 'add', path: `/metadata/finalizers`, value: [] },
        { op: 'add', path: `/metadata/finalizers/${random.pick(['5', '01', '-1', 'x'])}`, value: 'f' },
      ]),
    }),
    () => ({
      why: 'a patch that replaces the object with a scalar',
      type: jsonType,
      body: json([{ op: 'replace', path: '', value: random.pick<unknown>(['x', 5, [], null]) }]),
    }),
    () => ({
      why: 'a patch that leaves metadata of the wrong type',
      type: random.pick([mergeType, strategic]),
      body: json({ metadata: random.pick<unknown>(['x', 5, [1]]) }),
    }),
    () => ({
      why: 'a merge patch that renames the object',
      type: random.pick([mergeType, strategic]),
      body: json({ metadata: { name: `renamed-${random.text(4)}` } }),
    }),
    () => ({
      why: 'a JSON patch that renames the object',
      type: jsonType,
      body: json([{ op: 'replace', path: '/metadata/name', value: `renamed-${random.text(4)}` }]),
    }),
    () => ({ why: 'a patch with an unknown field under fieldValidation=Strict', type: mergeType, body: json({ [`unknown${random.text(4)}`]: 1 }) }),
    () => {
      const depth = 101 + random.int(3000);
      return {
        why: 'a patch nested past 100 levels',
        type: random.pick([mergeType, strategic]),
        body: `{"metadata":{"annotations":{"a":${'{"b":'.repeat(depth)}"x"${'}'.repeat(depth)}}}}`,
      };
    },
    () => ({
      why: 'a strategic directive of the wrong type',
      type: strategic,
      body: json({ metadata: { '$deleteFromPrimitiveList/finalizers': random.pick<unknown>(['x', 5, { a: 1 }]) } }),
    }),
    () => ({ why: 'a strategic patch that deletes the object', type: strategic, body: json({ $patch: 'delete' }) }),
    () => ({
      why: 'a patch in a format patches do not come in',
      type: random.pick(['application/json', 'application/yaml', 'application/apply-patch+yaml', 'text/plain']),
      body: json({ metadata: { labels: { a: 'b' } } }),
    }),
    () => ({ why: 'a merge patch that is no JSON', type: mergeType, body: random.pick(['{"metadata":', 'nope', '']) }),
  ])();
}

export function apiBodyTemplates(): Template[] {
  const auth = (f: Fixture) => ({ authorization: `Bearer ${f.token}` });
  return [
    (f, r) => {
      const t = target(f, r);
      const { why, body } = broken(t, r);
      return {
        name: `${t.method} JSON with ${why} to ${t.path.split('/').slice(-2).join('/')}`,
        request: { method: t.method, path: t.path, headers: { ...auth(f), 'content-type': 'application/json' }, body: json(body) },
      };
    },
    (f, r) => {
      const t = target(f, r);
      const text = json(t.body);
      const body = r.pick([
        () => text.slice(0, 1 + r.int(text.length - 2)),
        () => `\u0001${r.text(100, '{}[]":,ab')}`,
        () => text.replace(':', r.pick([':,', '::', ' '])),
        () => `${text}${r.pick(['}', 'x', ',{}'])}`,
      ])();
      return {
        name: `${t.method} malformed JSON to ${t.path.split('/').slice(-2).join('/')}`,
        request: { method: t.method, path: t.path, headers: { ...auth(f), 'content-type': 'application/json' }, body },
      };
    },
    (f, r) => {
      const t = target(f, r);
      const { why, text } = hostileYaml(t, r);
      return {
        name: `${t.method} YAML with ${why}`,
        request: { method: t.method, path: t.path, headers: { ...auth(f), 'content-type': 'application/yaml' }, body: text },
      };
    },
    (f, r) => {
      const { why, type, body } = hostilePatch(f, r);
      const path = r.pick([
        `/api/v1/namespaces/${f.namespace}/secrets/${f.secret}`,
        `/apis/image.openshift.io/v1/namespaces/${f.namespace}/imagestreams/${f.stream}`,
      ]);
      return {
        name: `PATCH (${type}) with ${why}`,
        request: { method: 'PATCH', path: `${path}?fieldValidation=Strict`, headers: { ...auth(f), 'content-type': type }, body },
      };
    },
    (f, r) => {
      const { why, bytes } = hostileProtobuf(r);
      return {
        name: `POST protobuf with ${why}`,
        request: {
          method: 'POST',
          path: `/api/v1/namespaces/${f.namespace}/secrets`,
          headers: { ...auth(f), 'content-type': 'application/vnd.kubernetes.protobuf' },
          body: bytes,
        },
      };
    },
    (f, r) => {
      const t = target(f, r);
      const body = r.pick([
        () => json({ ...t.body, padding: 'x'.repeat(3 * 1024 * 1024 + 1) }),
        () => json({ ...t.body, values: new Array(200_001).fill(0) }),
        () => json({ ...t.body, values: new Array(200_001).fill({}) }),
      ])();
      return {
        name: `${t.method} a body past the size or value limit`,
        request: { method: t.method, path: t.path, headers: { ...auth(f), 'content-type': 'application/json' }, body },
      };
    },
  ];
}
