// What users paste from the OpenShift 3 pages says `apiVersion: v1` for OpenShift's own kinds:
// `ims create -f` and `ims apply -f` send each to its group on a real server, as `oc` does.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { inProcessCli } from '../support/in-process-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { startFakeUpstream, putImage, type FakeUpstream } from '../support/fake-upstream.ts';
import { untilStream } from '../support/stream-watch.ts';

describe('apiVersion: v1 for OpenShift kinds in ims create and apply', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  const ims = inProcessCli();
  const dir = makeTempDir('ims-legacy');
  let files = 0;
  /** Runs `ims VERB -f` on `manifest` written as JSON to a file, and answers what it printed. */
  const withFile = async (verb: 'create' | 'apply', manifest: Record<string, unknown>, namespace = 'legacy') => {
    const file = join(dir, `${++files}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', ...manifest }));
    const result = await ims.run([verb, '-f', file, '-n', namespace]);
    assert.equal(result.code, 0, `ims ${verb} -f ${JSON.stringify(manifest)}: ${result.stderr}`);
    return result.stdout;
  };
  const api = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    assert.equal(response.status, 200, path);
    return response.json();
  };
  const streamPath = (name: string) => `/apis/image.openshift.io/v1/namespaces/legacy/imagestreams/${name}`;

  before(async () => {
    upstream = await startFakeUpstream();
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
  });
  after(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  it('creates and applies a Project', async () => {
    assert.equal(await withFile('create', { kind: 'Project', metadata: { name: 'legacy' } }), 'project.project.openshift.io/legacy created\n');
    const applied = { kind: 'Project', metadata: { name: 'legacy-applied', annotations: { 'openshift.io/display-name': 'Applied' } } };
    assert.equal(await withFile('apply', applied), 'project.project.openshift.io/legacy-applied created\n');
    assert.equal(await withFile('apply', applied), 'project.project.openshift.io/legacy-applied unchanged\n');
    const project = await api('/apis/project.openshift.io/v1/projects/legacy-applied');
    assert.equal(project.metadata.annotations['openshift.io/display-name'], 'Applied');
    const listed = await ims.run(['get', 'projects']);
    assert.match(listed.stdout, /^legacy-applied\s+Applied\s+Active$/m);
  });

  it('creates and applies an ImageStream', async () => {
    assert.equal(await withFile('create', { kind: 'ImageStream', metadata: { name: 'made' } }), 'imagestream.image.openshift.io/made created\n');
    const stream = { kind: 'ImageStream', metadata: { name: 'applied' }, spec: { lookupPolicy: { local: false } } };
    assert.equal(await withFile('apply', stream), 'imagestream.image.openshift.io/applied created\n');
    assert.equal(await withFile('apply', { ...stream, spec: { lookupPolicy: { local: true } } }), 'imagestream.image.openshift.io/applied configured\n');
    assert.equal((await api(streamPath('applied'))).spec.lookupPolicy.local, true);
  });

  it('creates an ImageStreamMapping and creates and applies ImageStreamTags from what it mapped', async () => {
    const digest = await pushOverHttp(server.url, server.adminToken, 'legacy/made', 'pushed', 'legacy');
    assert.match(
      await withFile('create', { kind: 'ImageStreamMapping', metadata: { name: 'made' }, image: { metadata: { name: digest } }, tag: 'mapped' }),
      /^imagestreammapping\.image\.openshift\.io\/made created\n$/,
    );
    const mapped = (await api(streamPath('made'))).status.tags.find((t: { tag: string }) => t.tag === 'mapped');
    assert.equal(mapped.items[0].image, digest);
    const tag = (name: string, from: string) => ({ kind: 'ImageStreamTag', metadata: { name }, tag: { from: { kind: 'ImageStreamTag', name: from } } });
    assert.equal(await withFile('create', tag('made:copy', 'made:mapped')), 'imagestreamtag.image.openshift.io/made:copy created\n');
    assert.equal((await api('/apis/image.openshift.io/v1/namespaces/legacy/imagestreamtags/made:copy')).image.metadata.name, digest);
    assert.equal(await withFile('apply', tag('made:applied', 'made:pushed')), 'imagestreamtag.image.openshift.io/made:applied created\n');
    assert.equal((await api('/apis/image.openshift.io/v1/namespaces/legacy/imagestreamtags/made:applied')).image.metadata.name, digest);
  });

  it('creates an ImageStreamImport that imports', async () => {
    const imported = putImage(upstream, 'team/app', 'v1', 'legacy-import');
    const request = {
      kind: 'ImageStreamImport',
      metadata: { name: 'imported' },
      spec: {
        import: true,
        images: [{ from: { kind: 'DockerImage', name: `${upstream.host}/team/app:v1` }, to: { name: 'v1' }, importPolicy: { insecure: true } }],
      },
    };
    assert.equal(await withFile('create', request), 'imagestreamimport.image.openshift.io/imported created\n');
    assert.equal((await api(streamPath('imported'))).status.tags[0].items[0].image, imported);
  });

  it("creates the documentation's my-ruby stream, whose repository's tags are imported and described as insecure", async () => {
    const digest = putImage(upstream, 'openshift/ruby-20-centos7', '2.0', 'my-ruby');
    const myRuby = {
      kind: 'ImageStream',
      metadata: { name: 'my-ruby', annotations: { 'openshift.io/image.insecureRepository': 'true' } },
      spec: { dockerImageRepository: `${upstream.host}/openshift/ruby-20-centos7` },
    };
    assert.equal(await withFile('create', myRuby), 'imagestream.image.openshift.io/my-ruby created\n');
    const stream = await untilStream(server, server.adminToken, 'legacy', 'my-ruby', (s) => Boolean(s.status?.tags?.some((t) => t.tag === '2.0')));
    assert.equal(stream.status!.tags!.find((t) => t.tag === '2.0')!.items![0].image, digest);
    const described = await ims.run(['describe', 'is/my-ruby', '-n', 'legacy']);
    assert.match(described.stdout, /^2\.0\n  tagged from [^\n]+\/openshift\/ruby-20-centos7:2\.0\n    will use insecure HTTPS or HTTP connections\n/m);
  });

  it('applies an Image, whose labels a cluster admin may change, and maps the create of one to a clear refusal', async () => {
    const digest = (await api(streamPath('made'))).status.tags[0].items[0].image;
    const image = { kind: 'Image', metadata: { name: digest, labels: { checked: 'yes' } } };
    assert.equal(await withFile('apply', image), `image.image.openshift.io/${digest} configured\n`);
    assert.equal((await api(`/apis/image.openshift.io/v1/images/${digest}`)).metadata.labels.checked, 'yes');
    // Images come only from verified bytes (a push or an import), so even an admin cannot create one:
    // the answer is the server's own, not kubectl's "no matches for kind".
    const file = join(dir, 'image.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Image', metadata: { name: `sha256:${'1'.repeat(64)}` }, dockerImageReference: 'x/y' }));
    const created = await ims.run(['create', '-f', file]);
    assert.notEqual(created.code, 0);
    assert.match(created.stderr, /the server does not allow this method on the requested resource/);
    assert.doesNotMatch(created.stderr, /no matches for kind/);
  });
});
