// The bootstrap admin token: `ims logout` ends the session a login made but never revokes the
// credential in <data-dir>/admin.token, and an operator who lost every admin credential gets one
// back with `ims serve --reset-admin-token`, which needs the data dir (and the server stopped).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';

const api = (server: RunningServer, token: string, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the bootstrap admin token', () => {
  it('outlives `ims logout`: the README login with admin.token works again afterwards', async () => {
    const server = await startServer();
    try {
      const ims = cliSession();
      assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
      const logout = await ims.run(['logout']);
      assert.equal(logout.code, 0, logout.stderr);
      assert.match(logout.stdout, new RegExp(`^Logged "admin" out on "${server.url}"\n`));
      assert.match(
        logout.stdout,
        /info: this was the bootstrap token of the server's admin\.token: it stays valid\. To replace it, stop the server and start it once with 'ims serve --reset-admin-token'/,
      );
      assert.equal((await ims.run(['whoami'])).code, 1, 'the CLI forgot the token');
      const again = await ims.run(['login', server.url, '--token', server.adminToken]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal((await ims.run(['whoami'])).stdout, 'admin\n');
    } finally {
      await server.stop();
    }
  });

  it('is replaced by `ims serve --reset-admin-token`, which revokes the old one and gives admin back cluster-admin', async () => {
    const first = await startServer();
    const old = first.adminToken;
    try {
      // What made `admin` an administrator is gone: its group system:cluster-admins.
      const user = (await (await api(first, old, 'GET', '/apis/user.openshift.io/v1/users/admin')).json()) as { groups: string[] };
      assert.equal((await api(first, old, 'PUT', '/apis/user.openshift.io/v1/users/admin', { ...user, groups: [] })).status, 200);
      assert.equal((await api(first, old, 'GET', '/api/v1/namespaces')).status, 403, 'admin is no administrator any more');

      const whileRunning = await startServer(['--reset-admin-token'], { dataDir: first.dataDir }).then(
        async (other) => `it started: ${await other.stop()}`,
        (error: Error) => error.message,
      );
      assert.match(whileRunning, /is in use by another ims serve/, 'the reset needs the server stopped');
    } finally {
      assert.equal(await first.stop(), 0);
    }

    const reset = await startServer(['--reset-admin-token'], { dataDir: first.dataDir });
    try {
      assert.notEqual(reset.adminToken, old);
      assert.equal((await api(reset, old, 'GET', '/api/v1/namespaces')).status, 401, 'the old bootstrap token is revoked');
      const ims = cliSession();
      const login = await ims.run(['login', reset.url, '--token', reset.adminToken]);
      assert.equal(login.code, 0, login.stderr);
      assert.equal((await ims.run(['get', 'ns', 'default', '-o', 'name'])).stdout, 'namespace/default\n', 'cluster-admin again');
    } finally {
      await reset.stop();
    }
    const later = await startServer([], { dataDir: first.dataDir });
    try {
      assert.equal(later.adminToken, reset.adminToken, 'a normal start keeps the new token');
    } finally {
      await later.stop();
    }
  });
});
