// `ims tag`, `get is|istag` and `describe is|istag` against a real server.
import { deploymentYaml } from '../support/deployment-yaml.ts';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { pushOverHttp } from '../support/http-push.ts';
import { agoPattern } from '../support/worded-ago.ts';

describe('ims with image streams', () => {
  let server: RunningServer;
  const ims = cliSession();
  let v1: string;
  before(async () => {
    server = await startServer();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    v1 = await pushOverHttp(server.url, server.adminToken, 'default/ruby', '2.7', 'ruby-2.7');
  });
  after(async () => {
    await server.stop();
  });

  it('pins a tag to the current image of another tag', async () => {
    const pinned = await ims.run(['tag', 'ruby:2.7', 'ruby:prod']);
    assert.equal(pinned.stdout, `Tag ruby:prod set to ruby@${v1}.\n`, pinned.stderr);
    const image = await ims.run(['get', 'istag', 'ruby:prod', '-o', 'jsonpath={.image.metadata.name}']);
    assert.equal(image.stdout, v1);
  });

  it('sets up an alias that follows its source, and refuses one across streams', async () => {
    assert.equal((await ims.run(['tag', '--alias', 'ruby:2.7', 'ruby:latest'])).stdout, 'Tag ruby:latest set up to track ruby:2.7.\n');
    const v2 = await pushOverHttp(server.url, server.adminToken, 'default/ruby', '2.7', 'ruby-2.7.1');
    assert.equal((await ims.run(['get', 'istag', 'ruby:latest', '-o', 'jsonpath={.image.metadata.name}'])).stdout, v2);
    assert.equal((await ims.run(['get', 'istag', 'ruby:prod', '-o', 'jsonpath={.image.metadata.name}'])).stdout, v1, 'the permanent tag stays');
    const across = await ims.run(['tag', '--alias', 'ruby:2.7', 'other:latest']);
    assert.equal(across.code, 1);
    assert.equal(across.stderr, 'error: cannot set alias across different Image Streams\n');
  });

  it('records an external image as a spec tag, and validates flags as oc does', async () => {
    const external = await ims.run(['tag', '--source=docker', 'quay.io/org/python:3.12', 'python:prod', '--scheduled']);
    assert.equal(external.stdout, 'Tag python:prod set to import quay.io/org/python:3.12 periodically.\n', external.stderr);
    const spec = JSON.parse((await ims.run(['get', 'is', 'python', '-o', 'json'])).stdout) as {
      spec: { tags: { name: string; from: { kind: string; name: string }; importPolicy: { scheduled: boolean; importMode: string } }[] };
    };
    assert.deepEqual(spec.spec.tags[0].from, { kind: 'DockerImage', name: 'quay.io/org/python:3.12' });
    assert.equal(spec.spec.tags[0].importPolicy.scheduled, true);
    assert.equal(spec.spec.tags[0].importPolicy.importMode, 'Legacy');
    const mode = await ims.run(['tag', '--source=docker', 'quay.io/org/python:3.12', 'python:x', '--import-mode', 'Sometimes']);
    assert.equal(mode.stderr, 'error: valid ImportMode values are Legacy or PreserveOriginal\n');
    const policy = await ims.run(['tag', 'ruby:2.7', 'ruby:x', '--reference-policy', 'remote']);
    assert.equal(policy.stderr, "error: reference policy must be set to 'source' or 'local'\n");
    const flags = await ims.run(['tag', 'ruby:2.7', 'ruby:x', '--scheduled']);
    assert.equal(flags.stderr, 'error: only container images can have importing flags set\n');
    const bad = await ims.run(['tag', 'ruby:2.7', 'ruby']);
    assert.equal(bad.stderr, 'error: "ruby" must be of the form <stream_name>:<tag>\n');
    const empty = await ims.run(['tag', 'ruby:nothing', 'ruby:y']);
    assert.equal(empty.stderr, 'error: "ruby:nothing" is not currently pointing to an image, cannot use it as the source of a tag\n');
  });

  it('deletes tags', async () => {
    await ims.run(['tag', 'ruby:2.7', 'ruby:old']);
    assert.equal((await ims.run(['tag', '-d', 'ruby:old'])).stdout, 'Deleted tag default/ruby:old.\n');
    const missing = await ims.run(['tag', '-d', 'ruby:old']);
    assert.equal(missing.stderr, 'error: destination tag default/ruby:old does not exist.\n');
  });

  it('lists streams and tags as tables', async () => {
    const streams = await ims.run(['get', 'is']);
    assert.match(streams.stdout, /^NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED\n/);
    assert.match(streams.stdout, new RegExp(`ruby\\s+${server.url.replace('http://', '').replace(/\./g, '\\.')}/default/ruby\\s+`));
    const tags = await ims.run(['get', 'istag']);
    assert.match(tags.stdout, /ruby:prod\s+127\.0\.0\.1:\d+\/default\/ruby@sha256:/);
  });

  it('lists tags and images with the columns oc prints, more of them with -o wide', async () => {
    const ago = agoPattern;
    const tags = (await ims.run(['get', 'istag', 'ruby:prod', '-o', 'wide'])).stdout;
    assert.match(
      tags,
      new RegExp(`^NAME\\s+IMAGE REFERENCE\\s+UPDATED\\s+IMAGE NAME\\nruby:prod\\s+127\\.0\\.0\\.1:\\d+/default/ruby@${v1}\\s+${ago}\\s+${v1}\\n$`),
    );
    const image = (await ims.run(['get', 'isimage', `ruby@${v1}`])).stdout;
    assert.match(image, new RegExp(`^NAME\\s+UPDATED\\nruby@${v1}\\s+${ago}\\n$`));
    const wide = (await ims.run(['get', 'isimage', `ruby@${v1}`, '-o', 'wide'])).stdout;
    assert.match(
      wide,
      new RegExp(`^NAME\\s+UPDATED\\s+IMAGE REFERENCE\\s+IMAGE NAME\\nruby@${v1}\\s+${ago}\\s+127\\.0\\.0\\.1:\\d+/default/ruby@${v1}\\s+${v1}\\n$`),
    );
  });

  it("fills a stream's TAGS to oc's width and says when it was updated in words", async () => {
    const names = Array.from({ length: 15 }, (_, i) => `many:t${String(i).padStart(2, '0')}`);
    assert.equal((await ims.run(['tag', 'ruby:2.7', ...names])).code, 0);
    const listed = (await ims.run(['get', 'is', 'many'])).stdout;
    const row = new RegExp(
      `^NAME\\s+IMAGE REPOSITORY\\s+TAGS\\s+UPDATED\\nmany\\s+127\\.0\\.0\\.1:\\d+/default/many\\s+(\\S+) \\+ (\\d+) more\\.\\.\\.\\s+(${agoPattern})\\n$`,
    ).exec(listed);
    assert.ok(row, listed);
    const shown = row[1].split(',');
    // Three-character tags and their commas: ten fill the forty characters oc budgets.
    assert.equal(shown.length, 10, listed);
    assert.equal(shown.length + Number(row[2]), names.length);
    assert.ok(
      shown.every((t) => /^t\d\d$/.test(t)),
      listed,
    );
  });

  it('describes a stream and a tag as oc does', async () => {
    const stream = (await ims.run(['describe', 'is/ruby'])).stdout;
    assert.match(stream, new RegExp(`^Name:\t\t\truby\nNamespace:\t\tdefault\nCreated:\t\t${agoPattern}\n`));
    assert.match(stream, /\nImage Lookup:\t\tlocal=false\nUnique Images:\t\t2\nTags:\t\t\t3\n\n/);
    // Each history item also says what caused it (beyond oc): these were pushed.
    assert.match(
      stream,
      /\n2\.7 \(latest\)\n  no spec tag\n\n  \* 127\.0\.0\.1:\d+\/default\/ruby@sha256:[0-9a-f]{64}\n {6}.* ago\tcaused by push\n    127\.0\.0\.1/,
    );
    assert.match(stream, /\nprod\n  tagged from ruby@sha256:[0-9a-f]{64}\n/);
    const image = (await ims.run(['describe', 'istag/ruby:prod'])).stdout;
    assert.match(image, new RegExp(`^Image Name:\\t${v1}\\nDocker Image:\\t127\\.0\\.0\\.1:\\d+/default/ruby@${v1}\\n`));
    assert.match(image, /\nImage Size:\t\d+B in 1 layers\n/);
    assert.match(image, /\nArch:\t\tamd64\n/);
    assert.match(
      image,
      /\nCommand:\t\/bin\/run\nWorking Dir:\t\/srv\nUser:\t\t1001\nExposes Ports:\t8080\/tcp\nDocker Labels:\tname=ruby-2\.7\nEnvironment:\tLABEL=ruby-2\.7\n$/,
    );
  });
});

describe('across projects', () => {
  let server: RunningServer;
  const ims = cliSession();
  let digest: string;
  before(async () => {
    server = await startServer();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    await ims.run(['new-project', 'producer']);
    await ims.run(['new-project', 'consumer']);
    digest = await pushOverHttp(server.url, server.adminToken, 'producer/app', 'v1', 'shared');
  });
  after(async () => {
    await server.stop();
  });

  it('tags an image from another project into this one', async () => {
    const tagged = await ims.run(['tag', 'producer/app:v1', 'app:v1', '-n', 'consumer']);
    assert.equal(tagged.stdout, `Tag app:v1 set to producer/app@${digest}.\n`, tagged.stderr);
    assert.equal((await ims.run(['get', 'istag', 'app:v1', '-n', 'consumer', '-o', 'jsonpath={.image.metadata.name}'])).stdout, digest);
  });

  it("imports from this server's registry once the project's service accounts may pull there", async () => {
    const host = server.url.replace('http://', '');
    const refused = await ims.run(['import-image', 'copied:v1', `--from=${host}/producer/app:v1`, '--confirm', '-n', 'consumer']);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /error: tag v1 failed: the service accounts of project "consumer" may not pull from producer\/app: grant it with 'ims policy add-role-to-group system:image-puller system:serviceaccounts:consumer -n producer'/,
    );
    const granted = await ims.run(['policy', 'add-role-to-group', 'system:image-puller', 'system:serviceaccounts:consumer', '-n', 'producer']);
    assert.equal(granted.code, 0, granted.stderr);
    const imported = await ims.run(['import-image', 'copied:v1', '-n', 'consumer']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await ims.run(['get', 'istag', 'copied:v1', '-n', 'consumer', '-o', 'jsonpath={.image.metadata.name}'])).stdout, digest);
    // What the source repository holds of the image is now held by the importing one too.
    const sa = (await ims.run(['create', 'token', 'default', '-n', 'consumer'])).stdout.trim();
    const manifest = await fetch(`${server.url}/v2/consumer/copied/manifests/v1`, {
      headers: { authorization: `Bearer ${sa}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    assert.equal(manifest.status, 200);
    const layer = (JSON.parse(await manifest.text()) as { layers: { digest: string }[] }).layers[0].digest;
    const blob = await fetch(`${server.url}/v2/consumer/copied/blobs/${layer}`, { headers: { authorization: `Bearer ${sa}` } });
    assert.equal(await blob.text(), 'layer for shared');
  });
});

describe('ims set triggers and set image-lookup', () => {
  let server: RunningServer;
  const ims = cliSession();
  let first: string;
  before(async () => {
    server = await startServer();
    await ims.run(['login', server.url, '--token', server.adminToken]);
    first = await pushOverHttp(server.url, server.adminToken, 'default/python', 'prod', 'py-1');
    const web = deploymentYaml('web', [
      { name: 'web', image: 'python:prod' },
      { name: 'side', image: 'busybox' },
    ]);
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: web })).code, 0);
  });
  after(async () => {
    await server.stop();
  });

  it('adds a trigger that sets the image at once and follows the tag, and lists it', async () => {
    const set = await ims.run(['set', 'triggers', 'deploy/web', '--from-image=python:prod', '-c', 'web']);
    assert.equal(set.stdout, 'deployment.apps/web triggers updated\n', set.stderr);
    const image = async () => (await ims.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
    assert.match(await image(), new RegExp(`/default/python@${first}$`));
    const second = await pushOverHttp(server.url, server.adminToken, 'default/python', 'prod', 'py-2');
    let current = '';
    for (let i = 0; i < 50 && !current.endsWith(second); i++) current = await image();
    assert.match(current, new RegExp(`/default/python@${second}$`));
    const listed = (await ims.run(['set', 'triggers', 'deploy/web'])).stdout;
    assert.match(listed, /^NAME\s+TYPE\s+VALUE\s+AUTO\n/);
    assert.match(listed, /deployments\/web\s+image\s+python:prod \(web\)\s+true/);
  });

  it('refuses unknown containers and a missing tag', async () => {
    assert.match(
      (await ims.run(['set', 'triggers', 'deploy/web', '--from-image=python:prod', '-c', 'nope'])).stderr,
      /^error: not all container names exist: nope \(accepts: web, side\)/,
    );
    assert.equal(
      (await ims.run(['set', 'triggers', 'deploy/web', '--from-image=python', '-c', 'web'])).stderr,
      'error: the value of --from-image must include the tag you wish to pull from\n',
    );
    assert.equal(
      (await ims.run(['set', 'triggers', 'deploy/web', '--from-image=python:prod'])).stderr,
      'error: you must specify --containers when setting --from-image\n',
    );
  });

  it('turns image lookup on for a stream and lists it', async () => {
    assert.equal((await ims.run(['set', 'image-lookup', 'python'])).stdout, 'imagestream.image.openshift.io/python image lookup updated\n');
    assert.match((await ims.run(['set', 'image-lookup'])).stdout, /^NAME\s+LOCAL\npython\s+true\n/);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: uses-lookup}\nspec:\n  containers: [{name: app, image: "python:prod"}]\n';
    assert.equal((await ims.run(['create', '-f', '-'], { stdin: pod })).code, 0);
    assert.match((await ims.run(['get', 'pod', 'uses-lookup', '-o', 'jsonpath={.spec.containers[0].image}'])).stdout, /\/default\/python@sha256:/);
    assert.equal((await ims.run(['set', 'image-lookup', 'python', '--enabled=false'])).code, 0);
    assert.match((await ims.run(['set', 'image-lookup'])).stdout, /python\s+false/);
  });
});
