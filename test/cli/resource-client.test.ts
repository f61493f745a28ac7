import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceClient, type JsonTransport } from '../../src/cli/resource-client.ts';
import { kinds } from '../../src/kube/kinds.ts';

interface Sent {
  method: string;
  path: string;
  body?: unknown;
  accept?: string;
  contentType?: string;
}

/** A transport that records what it is asked to send and answers `{}`, or these lines to a watch. */
function recorder(lines: readonly string[] = []): { sent: Sent[]; transport: JsonTransport } {
  const sent: Sent[] = [];
  return {
    sent,
    transport: {
      json: async <R>(method: string, path: string, options: { body?: unknown; accept?: string; contentType?: string } = {}) => {
        sent.push({ method, path, ...options });
        return {} as R;
      },
      async *lines(method: string, path: string, options: { accept?: string } = {}) {
        sent.push({ method, path, ...(options.accept ? { accept: options.accept } : {}) });
        yield* lines;
      },
    },
  };
}

describe('resource client', () => {
  it('addresses core kinds under /api and named groups under /apis, in the namespace given', async () => {
    const { sent, transport } = recorder();
    await new ResourceClient(transport, kinds.secrets).get('shop', 'quay');
    await new ResourceClient(transport, kinds.deployments).get('shop', 'web');
    assert.deepEqual(
      sent.map((s) => `${s.method} ${s.path}`),
      ['GET /api/v1/namespaces/shop/secrets/quay', 'GET /apis/apps/v1/namespaces/shop/deployments/web'],
    );
  });

  it('lists across every namespace when none is given, with a label selector as the query', async () => {
    const { sent, transport } = recorder();
    const streams = new ResourceClient(transport, kinds.imageStreams);
    await streams.list(undefined);
    await streams.list('shop', { labelSelector: 'app=web,tier!=db' });
    await streams.list('shop', { labelSelector: '' });
    assert.deepEqual(
      sent.map((s) => s.path),
      [
        '/apis/image.openshift.io/v1/imagestreams',
        '/apis/image.openshift.io/v1/namespaces/shop/imagestreams?labelSelector=app%3Dweb%2Ctier!%3Ddb',
        '/apis/image.openshift.io/v1/namespaces/shop/imagestreams',
      ],
    );
  });

  it('ignores the namespace for cluster-scoped kinds', async () => {
    const { sent, transport } = recorder();
    await new ResourceClient(transport, kinds.images).delete('shop', 'sha256:abc');
    await new ResourceClient(transport, kinds.projects).list('shop');
    assert.deepEqual(
      sent.map((s) => s.path),
      ['/apis/image.openshift.io/v1/images/sha256%3Aabc', '/apis/project.openshift.io/v1/projects'],
    );
  });

  it('percent-encodes names and namespaces, leaving the current user as ~', async () => {
    const { sent, transport } = recorder();
    await new ResourceClient(transport, kinds.imageStreamTags).get('my ns', 'ruby:2.7');
    await new ResourceClient(transport, kinds.users).get(undefined, '~');
    assert.deepEqual(
      sent.map((s) => s.path),
      ['/apis/image.openshift.io/v1/namespaces/my%20ns/imagestreamtags/ruby%3A2.7', '/apis/user.openshift.io/v1/users/~'],
    );
  });

  it('sends each write with its verb, body and content type', async () => {
    const { sent, transport } = recorder();
    const groups = new ResourceClient(transport, kinds.groups);
    const group = { metadata: { name: 'team' }, users: ['a'] };
    await groups.create(undefined, group);
    await groups.update(undefined, 'team', group);
    await groups.patch(undefined, 'team', { users: null });
    await groups.delete(undefined, 'team', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    await groups.delete(undefined, 'team');
    assert.deepEqual(sent, [
      { method: 'POST', path: '/apis/user.openshift.io/v1/groups', body: group },
      { method: 'PUT', path: '/apis/user.openshift.io/v1/groups/team', body: group },
      { method: 'PATCH', path: '/apis/user.openshift.io/v1/groups/team', body: { users: null }, contentType: 'application/merge-patch+json' },
      { method: 'DELETE', path: '/apis/user.openshift.io/v1/groups/team', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } },
      { method: 'DELETE', path: '/apis/user.openshift.io/v1/groups/team' },
    ]);
  });

  it('writes status and subresources under the object', async () => {
    const { sent, transport } = recorder();
    const stream = { metadata: { name: 'ruby' }, spec: {} };
    await new ResourceClient(transport, kinds.imageStreams).updateStatus('shop', 'ruby', stream);
    await new ResourceClient(transport, kinds.imageStreams).subresource('layers').get('shop', 'ruby');
    await new ResourceClient(transport, kinds.serviceAccounts).subresource('token').create('shop', 'builder', { spec: { expirationSeconds: 600 } });
    assert.deepEqual(
      sent.map((s) => `${s.method} ${s.path}`),
      [
        'PUT /apis/image.openshift.io/v1/namespaces/shop/imagestreams/ruby/status',
        'GET /apis/image.openshift.io/v1/namespaces/shop/imagestreams/ruby/layers',
        'POST /api/v1/namespaces/shop/serviceaccounts/builder/token',
      ],
    );
  });

  it('asks for the server-side table of one object or of a filtered collection', async () => {
    const { sent, transport } = recorder();
    const secrets = new ResourceClient(transport, kinds.secrets);
    await secrets.table('shop', 'quay', { labelSelector: 'a=b' });
    await secrets.table('shop', undefined, { labelSelector: 'a=b' });
    assert.deepEqual(
      sent.map((s) => s.path),
      ['/api/v1/namespaces/shop/secrets/quay', '/api/v1/namespaces/shop/secrets?labelSelector=a%3Db'],
    );
    assert.ok(sent.every((s) => s.accept === 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'));
  });

  it('watches a collection or one object from a version, and reads each line as an event', async () => {
    const added = { type: 'ADDED', object: { metadata: { name: 'ruby', resourceVersion: '8' } } };
    const { sent, transport } = recorder([JSON.stringify(added), JSON.stringify({ type: 'ERROR', object: { code: 410, reason: 'Gone' } })]);
    const streams = new ResourceClient(transport, kinds.imageStreams);
    const events = [];
    for await (const event of streams.watch('shop', { resourceVersion: '7', labelSelector: 'a=b' })) events.push(event);
    assert.deepEqual(events, [added, { type: 'ERROR', object: { code: 410, reason: 'Gone' } }]);
    for await (const _ of streams.watchTable(undefined, { name: 'ruby' }));
    assert.deepEqual(sent, [
      { method: 'GET', path: '/apis/image.openshift.io/v1/namespaces/shop/imagestreams?watch=true&resourceVersion=7&labelSelector=a%3Db' },
      {
        method: 'GET',
        path: '/apis/image.openshift.io/v1/imagestreams?watch=true&fieldSelector=metadata.name%3Druby',
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      },
    ]);
  });

  it('addresses a resource the server discovered as it does a kind of the table', async () => {
    const { sent, transport } = recorder();
    await new ResourceClient(transport, { group: 'example.com', version: 'v1beta1', resource: 'widgets', namespaced: true }).get('shop', 'w');
    assert.equal(sent[0].path, '/apis/example.com/v1beta1/namespaces/shop/widgets/w');
  });
});
