// Hostile query parameters, written from the Kubernetes list and watch options: selectors that do
// not parse or name fields no kind has, page sizes and continue tokens that are not, watches from
// versions the server never issued, and write options with values the API does not define.
import type { Template } from './case.ts';
import type { Fixture } from './fixture.ts';
import type { Random } from '../seeded-random.ts';
import { json } from './case.ts';

function collection(f: Fixture, random: Random): string {
  return random.pick([
    `/api/v1/namespaces/${f.namespace}/secrets`,
    `/apis/image.openshift.io/v1/namespaces/${f.namespace}/imagestreams`,
    `/apis/rbac.authorization.k8s.io/v1/namespaces/${f.namespace}/roles`,
    '/api/v1/namespaces',
  ]);
}

const encode = encodeURIComponent;

export function queryTemplates(): Template[] {
  const auth = (f: Fixture) => ({ authorization: `Bearer ${f.token}` });
  return [
    (f, r) => {
      const selector = r.pick([
        'a=b=c',
        'a in (b',
        '!',
        'a!b',
        `${'k'.repeat(64)}=v`,
        'k=bad value',
        '=x',
        'a,,=b',
        '(a)',
        `k=${'v'.repeat(64)}`,
        'a notin b',
        'ä=b',
      ]);
      return {
        name: `list with labelSelector ${selector.slice(0, 30)}`,
        request: { method: 'GET', path: `${collection(f, r)}?labelSelector=${encode(selector)}`, headers: auth(f) },
      };
    },
    (f, r) => {
      const selector = r.pick(['spec.foo=bar', 'metadata.uid=x', 'status.phase=Running', '=x', 'metadata.name', 'metadata.name!~x', 'x']);
      return {
        name: `list with fieldSelector ${selector}`,
        request: { method: 'GET', path: `${collection(f, r)}?fieldSelector=${encode(selector)}`, headers: auth(f) },
      };
    },
    (f, r) => {
      const limit = r.pick(['-1', 'abc', '1.5', '1e3', ' 5', '0x10']);
      return { name: `list with limit=${limit}`, request: { method: 'GET', path: `${collection(f, r)}?limit=${encode(limit)}`, headers: auth(f) } };
    },
    (f, r) => {
      const token = r.pick([
        r.text(20),
        Buffer.from('not json').toString('base64url'),
        Buffer.from(json({ v: 2, k: 'x' })).toString('base64url'),
        Buffer.from(json({ k: 5 })).toString('base64url'),
        '%%%',
      ]);
      return {
        name: 'list with a continue token the server never gave',
        request: { method: 'GET', path: `${collection(f, r)}?limit=1&continue=${encode(token)}`, headers: auth(f) },
      };
    },
    (f, r) => {
      const version = r.pick(['abc', '-1', '1.5', '99999999999999999999999', '9'.repeat(200), '1e9', ' 1', '0x1f', '18446744073709551616']);
      return {
        name: `watch from resourceVersion ${version.slice(0, 30)}`,
        request: { method: 'GET', path: `${collection(f, r)}?watch=true&resourceVersion=${encode(version)}`, headers: auth(f) },
      };
    },
    (f, r) => {
      const timeout = r.pick(['abc', '-5', '1.5', '1e9', '99999999999999999999']);
      return {
        name: `watch with timeoutSeconds=${timeout}`,
        request: { method: 'GET', path: `${collection(f, r)}?watch=true&timeoutSeconds=${encode(timeout)}`, headers: auth(f) },
      };
    },
    (f, r) => {
      const [param, value] = r.pick([
        ['fieldValidation', 'Bogus'],
        ['fieldValidation', 'strict'],
        ['dryRun', 'Some'],
        ['dryRun', 'true'],
      ] as const);
      const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `q-${r.text(6)}` }, stringData: { a: 'b' } };
      return {
        name: `create with ${param}=${value}`,
        request: {
          method: 'POST',
          path: `/api/v1/namespaces/${f.namespace}/secrets?${param}=${value}`,
          headers: { ...auth(f), 'content-type': 'application/json' },
          body: json(body),
        },
      };
    },
    (f, r) => {
      const [param, value] = r.pick([
        ['fieldValidation', 'Bogus'],
        ['dryRun', 'Nope'],
      ] as const);
      return {
        name: `patch with ${param}=${value}`,
        request: {
          method: 'PATCH',
          path: `/api/v1/namespaces/${f.namespace}/secrets/${f.secret}?${param}=${value}`,
          headers: { ...auth(f), 'content-type': 'application/merge-patch+json' },
          body: json({ metadata: { labels: { q: 'changed' } } }),
        },
      };
    },
    (f, r) => {
      const n = r.pick(['abc', '-1', '1.5', '%ZZ']);
      return {
        name: `registry listing with n=${n}`,
        request: { method: 'GET', path: `${r.pick([`/v2/${f.repository}/tags/list`, '/v2/_catalog'])}?n=${n}`, headers: auth(f) },
      };
    },
    (f, r) => {
      const digest = r.pick(['abc', 'sha256:zz', 'md5:' + '0'.repeat(32)]);
      return {
        name: `monolithic upload with digest=${digest}`,
        request: { method: 'POST', path: `/v2/${f.repository}/blobs/uploads/?digest=${encode(digest)}`, headers: auth(f), body: 'data' },
      };
    },
    (f, r) => {
      const scope = r.pick(['repository:onlyone:pull', 'repository:UPPER/case:pull', `repository:${'a'.repeat(300)}/b:pull`]);
      return {
        name: `token request for the scope ${scope.slice(0, 30)}`,
        request: {
          method: 'GET',
          path: `/openshift/token?scope=${encode(scope)}`,
          headers: { authorization: `Basic ${Buffer.from(`u:${f.token}`).toString('base64')}` },
        },
      };
    },
  ];
}
