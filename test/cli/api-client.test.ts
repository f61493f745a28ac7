import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ApiClient, ServerError } from '../../src/cli/api-client.ts';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
}

describe('api client', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  /** What the fake server answers, by `METHOD path`; 200 `{}` otherwise. */
  const answers = new Map<string, { status: number; body: unknown; headers?: Record<string, string>; chunks?: string[] }>();
  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, accept: req.headers.accept });
      const answer = answers.get(`${req.method} ${req.url}`) ?? { status: 200, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      if (answer.chunks) {
        for (const chunk of answer.chunks) res.write(chunk);
        res.end();
      } else res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  const calls = async (run: (client: ApiClient) => Promise<unknown>) => {
    seen.length = 0;
    await run(new ApiClient({ server: url, token: 't0k3n' }));
    return seen.map((s) => `${s.method} ${s.url}`);
  };

  it('asks who the token belongs to as users/~, with the token as bearer', async () => {
    answers.set('GET /apis/user.openshift.io/v1/users/~', { status: 200, body: { metadata: { name: 'alice' } } });
    let name = '';
    assert.deepEqual(await calls(async (client) => (name = (await client.currentUser()).metadata.name)), ['GET /apis/user.openshift.io/v1/users/~']);
    assert.equal(name, 'alice');
    assert.equal(seen[0].authorization, 'Bearer t0k3n');
  });

  it('reads aggregated discovery of the core group and of the named groups', async () => {
    assert.deepEqual(await calls(async (client) => Promise.all([client.discovery('core'), client.discovery('named')])), ['GET /api', 'GET /apis']);
    assert.ok(seen.every((s) => s.accept === 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'));
  });

  it('names the endpoints outside the API: server info, token revocation and the blob store', async () => {
    assert.deepEqual(
      await calls(async (client) => {
        await client.serverInfo();
        await client.revokeToken();
        await client.storedBlobs();
        await client.storedBlobs('/admin/blobs/?n=1000&last=sha256:aa');
        await client.deleteBlob('sha256:bb', 3600);
      }),
      [
        'GET /.well-known/imagestream',
        'DELETE /oauth/token',
        'GET /admin/blobs/?n=1000',
        'GET /admin/blobs/?n=1000&last=sha256:aa',
        'DELETE /admin/blobs/sha256:bb?keepYoungerThanSeconds=3600',
      ],
    );
  });

  it('trades a password at the authorization endpoint the server advertises', async () => {
    answers.set('GET /.well-known/oauth-authorization-server', { status: 200, body: { authorization_endpoint: `${url}/oauth/authorize` } });
    answers.set('GET /oauth/authorize?response_type=token&client_id=openshift-challenging-client', {
      status: 302,
      body: {},
      headers: { location: `${url}/oauth/token/implicit#access_token=sha256~new` },
    });
    let location: unknown;
    const sent = await calls(async (client) => (location = (await client.authorizeWithPassword('alice', 'wonderland')).headers.location));
    assert.deepEqual(sent, ['GET /.well-known/oauth-authorization-server', 'GET /oauth/authorize?response_type=token&client_id=openshift-challenging-client']);
    assert.equal(seen[1].authorization, `Basic ${Buffer.from('alice:wonderland').toString('base64')}`);
    assert.equal(location, `${url}/oauth/token/implicit#access_token=sha256~new`);
  });

  it('never sends the token or a password to another host an answer names', async () => {
    answers.set('GET /openapi/v3', { status: 200, body: { paths: { 'apis/image.openshift.io/v1': { serverRelativeURL: '/\\evil.invalid/doc' } } } });
    answers.set('GET /.well-known/oauth-authorization-server', { status: 200, body: { authorization_endpoint: `${url}//evil.invalid/authorize` } });
    const client = new ApiClient({ server: url, token: 't0k3n' });
    seen.length = 0;
    await assert.rejects(client.openApiDocument('image.openshift.io', 'v1'), /refusing to send this session's credentials to http:\/\/evil\.invalid/);
    await assert.rejects(client.authorizeWithPassword('alice', 'wonderland'), /refusing to send this session's credentials to http:\/\/evil\.invalid/);
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.url}`),
      ['GET /openapi/v3', 'GET /.well-known/oauth-authorization-server'],
      'nothing went anywhere but the server',
    );
  });

  it("turns a failure into the server's own message, and a 401 into advice to log in", async () => {
    answers.set('GET /api/v1/namespaces/shop/secrets/gone', { status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'secrets "gone" not found' } });
    answers.set('GET /api/v1/namespaces/shop/secrets/locked', { status: 401, body: { kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized' } });
    const client = new ApiClient({ server: url });
    const secrets = client.resource({ group: '', version: 'v1', resource: 'secrets', namespaced: true });
    await assert.rejects(
      secrets.get('shop', 'gone'),
      (error: unknown) => error instanceof ServerError && error.status === 404 && error.message === 'secrets "gone" not found',
    );
    await assert.rejects(secrets.get('shop', 'locked'), { message: "You must be logged in to the server (Unauthorized); run 'ims login'" });
  });

  it('streams the lines of a watch as they come, across chunks, and fails on an error answer', async () => {
    answers.set('GET /watch', { status: 200, body: null, chunks: ['{"type":"ADDED"}\n{"ty', 'pe":"DELETED"}\n\n', '{"type":"MODIFIED"}'] });
    answers.set('GET /refused', { status: 403, body: { kind: 'Status', reason: 'Forbidden', message: 'imagestreams is forbidden' } });
    const client = new ApiClient({ server: url, token: 't0k3n' });
    const lines: string[] = [];
    for await (const line of client.lines('GET', '/watch', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })) lines.push(line);
    assert.deepEqual(lines, ['{"type":"ADDED"}', '{"type":"DELETED"}', '{"type":"MODIFIED"}']);
    assert.equal(seen.at(-1)?.authorization, 'Bearer t0k3n');
    assert.equal(seen.at(-1)?.accept, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    await assert.rejects(
      async () => {
        for await (const _ of client.lines('GET', '/refused'));
      },
      (error: unknown) => error instanceof ServerError && error.status === 403 && error.message === 'imagestreams is forbidden',
    );
  });
});
