// A Secret that cannot be stored is refused without a byte of its data in the answer, the CLI's
// output or the server's log, as Kubernetes prints "<secret contents redacted>": whichever way it
// came (create, update, each patch format, a body that is not even JSON, `ims create secret`).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { inProcessCli } from '../support/in-process-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

// Not JSON, and made of runs no message, name or log line has by chance.
const badConfig = '{"auths":{"zq1.example":{"auth":"wv9kxHUNTER2pw"}} qqj}';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every run of `size` characters of `text`. */
function runsOf(text: string, size: number): string[] {
  return Array.from({ length: text.length - size + 1 }, (_, i) => text.slice(i, i + size));
}

function assertNoneOf(text: string, where: string): void {
  for (const run of runsOf(badConfig, 6)) assert.ok(!text.includes(run), `${where} echoes ${JSON.stringify(run)} of the secret: ${text}`);
  for (const run of runsOf(b64(badConfig), 8)) assert.ok(!text.includes(run), `${where} echoes ${JSON.stringify(run)} of the secret's base64: ${text}`);
}

describe('errors about secrets', () => {
  let server: RunningServer;
  const ims = inProcessCli();
  const base = () => `${server.url}/api/v1/namespaces/hush/secrets`;
  const request = (method: string, url: string, body?: string, contentType = 'application/json') =>
    fetch(url, { method, headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': contentType }, body });
  /** Sends what the server must refuse, and checks that its answer quotes none of the bad data. */
  const send = async (method: string, url: string, body: string, contentType = 'application/json') => {
    const response = await request(method, url, body, contentType);
    const text = await response.text();
    assertNoneOf(text + JSON.stringify([...response.headers]), `${method} ${url}`);
    return { status: response.status, text };
  };
  const secret = (name: string, type: string, key: string, content: string) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type, data: { [key]: b64(content) } });

  before(async () => {
    server = await startServer(['--log-level', 'debug']);
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', 'hush'])).code, 0);
  });
  after(async () => {
    await server?.stop();
  });

  it('says <secret contents redacted> for docker config content that is not JSON, made by create', async () => {
    for (const [type, key] of [
      ['kubernetes.io/dockerconfigjson', '.dockerconfigjson'],
      ['kubernetes.io/dockercfg', '.dockercfg'],
    ]) {
      const answer = await send('POST', base(), secret('bad', type, key, badConfig));
      assert.equal(answer.status, 422);
      assert.match(
        JSON.parse(answer.text).message,
        new RegExp(`data\\[${key.replace('.', '\\.')}\\]: Invalid value: "<secret contents redacted>": invalid JSON`),
      );
    }
  });

  it('keeps the data out of the errors of update and of every patch format, and keeps the stored secret', async () => {
    const good = JSON.stringify({ auths: { 'quay.io': { auth: b64('u:p') } } });
    assert.equal((await request('POST', base(), secret('pull', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', good))).status, 201);
    const put = await send('PUT', `${base()}/pull`, secret('pull', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', badConfig));
    assert.equal(put.status, 422);
    const data = JSON.stringify({ data: { '.dockerconfigjson': b64(badConfig) } });
    for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json'])
      assert.equal((await send('PATCH', `${base()}/pull`, data, type)).status, 422);
    const replace = JSON.stringify([{ op: 'replace', path: '/data/.dockerconfigjson', value: b64(badConfig) }]);
    assert.equal((await send('PATCH', `${base()}/pull`, replace, 'application/json-patch+json')).status, 422);
    const test = JSON.stringify([{ op: 'test', path: '/data/.dockerconfigjson', value: b64(badConfig) }]);
    assert.ok((await send('PATCH', `${base()}/pull`, test, 'application/json-patch+json')).status >= 400);
    const stored = await request('GET', `${base()}/pull`);
    assert.equal(Buffer.from((await stored.json()).data['.dockerconfigjson'], 'base64').toString(), good);
  });

  it('does not quote a body that is not JSON, whose text may be the secret', async () => {
    // A bare word where a value belongs: V8's own message would quote the text around it.
    const password = 'wv9kxHUNTER2pw';
    const body = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"raw"},"stringData":{"password":${password}}}`;
    const answer = await send('POST', base(), body);
    assert.equal(answer.status, 400);
    assert.match(JSON.parse(answer.text).message, /^the request body is not valid JSON: /);
    const patch = await send('PATCH', `${base()}/pull`, `${password} ${badConfig}`, 'application/merge-patch+json');
    assert.equal(patch.status, 400);
  });

  it('leaves the data out of what ims create secret prints and of the server log', async () => {
    const file = join(makeTempDir('ims-redaction'), 'auth.json');
    writeFileSync(file, badConfig);
    const result = await ims.run([
      'create',
      'secret',
      'generic',
      'cli',
      `--from-file=.dockerconfigjson=${file}`,
      '--type=kubernetes.io/dockerconfigjson',
      '-n',
      'hush',
    ]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /<secret contents redacted>/);
    assertNoneOf(result.stdout + result.stderr, 'ims create secret');
    assertNoneOf(server.logs(), 'the server log');
  });
});
