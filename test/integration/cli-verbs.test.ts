// oc's and kubectl's everyday verbs against a real server: labels and annotations, patches, edits
// in $EDITOR, create shortcuts, delete by selector, get's columns and order, discovery and docs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startServer, type RunningServer } from '../support/serve-process.ts';
import { cliSession } from '../support/run-cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const imsBin = join(import.meta.dirname, '..', '..', 'bin', 'ims');

describe('ims verbs', () => {
  let server: RunningServer;
  const ims = cliSession();
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };
  const stream = async (name: string) => (await api('GET', `/apis/image.openshift.io/v1/namespaces/verbs/imagestreams/${name}`)).json;
  before(async () => {
    server = await startServer();
    assert.equal((await ims.run(['login', server.url, '--token', server.adminToken])).code, 0);
    assert.equal((await ims.run(['new-project', 'verbs'])).code, 0);
  });
  after(async () => {
    await server.stop();
  });

  it('creates an image stream by name, and a deployment of images', async () => {
    assert.deepEqual(await ims.run(['create', 'imagestream', 'ruby']), { code: 0, stdout: 'imagestream.image.openshift.io/ruby created\n', stderr: '' });
    assert.equal((await ims.run(['create', 'is', 'x'])).code, 1, 'only the full word, as oc');
    const local = await ims.run(['create', 'imagestream', 'python', '--lookup-local', '-o', 'name']);
    assert.equal(local.stdout, 'imagestream.image.openshift.io/python\n');
    assert.equal((await stream('python')).spec.lookupPolicy.local, true);
    const dry = await ims.run([
      'create',
      'deployment',
      'shop',
      '--image=quay.io/org/shop:1',
      '--image=proxy:2',
      '--replicas=3',
      '--dry-run=client',
      '-o',
      'yaml',
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.doesNotMatch(dry.stdout, /[&*]a\d/, 'no YAML anchors');
    assert.match(dry.stdout, /- image: quay\.io\/org\/shop:1\n\s+name: shop\n/);
    assert.equal((await api('GET', '/apis/apps/v1/namespaces/verbs/deployments/shop')).status, 404, 'a dry run creates nothing');
    assert.equal((await ims.run(['create', 'deployment', 'web', '--image=quay.io/org/web:1.0', '--port=8080'])).stdout, 'deployment.apps/web created\n');
    const web = (await api('GET', '/apis/apps/v1/namespaces/verbs/deployments/web')).json;
    assert.deepEqual(web.metadata.labels, { app: 'web' });
    assert.deepEqual(web.spec.selector.matchLabels, { app: 'web' });
    assert.deepEqual(
      web.spec.template.spec.containers.map((c: any) => [c.name, c.image, c.ports]),
      [['web', 'quay.io/org/web:1.0', [{ containerPort: 8080 }]]],
    );
    const missing = await ims.run(['create', 'deployment', 'nothing']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'error: required flag(s) "image" not set\n']);
  });

  it('labels and annotates with kubectl rules: --overwrite to change, KEY- to remove', async () => {
    assert.equal((await ims.run(['label', 'is', 'ruby', 'team=web'])).stdout, 'imagestream.image.openshift.io/ruby labeled\n');
    const clash = await ims.run(['label', 'is/ruby', 'team=api']);
    assert.deepEqual([clash.code, clash.stderr], [1, "error: 'team' already has a value (web), and --overwrite is false\n"]);
    assert.equal((await stream('ruby')).metadata.labels.team, 'web', 'nothing changed');
    assert.equal((await ims.run(['label', 'is/ruby', 'team=api', '--overwrite'])).stdout, 'imagestream.image.openshift.io/ruby labeled\n');
    assert.equal((await ims.run(['label', 'is/ruby', 'team=api'])).stdout, 'imagestream.image.openshift.io/ruby not labeled\n');
    assert.equal((await ims.run(['label', 'is', 'python', 'team=api', 'tier=base'])).code, 0);
    assert.equal((await ims.run(['label', 'is', 'ruby', 'nope-'])).stdout, 'label "nope" not found.\nimagestream.image.openshift.io/ruby not labeled\n');
    assert.equal((await ims.run(['label', 'is', 'python', '--list'])).stdout, 'team=api\ntier=base\n');
    assert.equal((await ims.run(['label', 'is', '-l', 'team=api', 'tier-'])).code, 0);
    assert.equal((await stream('python')).metadata.labels.tier, undefined);
    const bad = await ims.run(['label', 'is', 'ruby', 'Bad Key!=x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^The ImageStream "ruby" is invalid: metadata.labels: Invalid value: "Bad Key!"/);

    assert.equal((await ims.run(['annotate', 'is/ruby', 'description=Ruby for the web team'])).stdout, 'imagestream.image.openshift.io/ruby annotated\n');
    const again = await ims.run(['annotate', 'is/ruby', 'description=other']);
    assert.equal(
      again.stderr,
      "error: --overwrite is false but found the following declared annotation(s): 'description' already has a value (Ruby for the web team)\n",
    );
    assert.equal((await ims.run(['annotate', 'is/ruby', 'description-'])).code, 0);
    assert.equal((await stream('ruby')).metadata.annotations?.description, undefined);
    assert.equal((await ims.run(['label', 'is/ruby', 'a=1', 'a-'])).stderr, 'error: can not both modify and remove a label in the same command\n');
  });

  it('patches with a strategic merge patch by default, and with merge and JSON patches, in JSON or YAML', async () => {
    const containers = '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"quay.io/org/web:2.0"}]}}}}';
    assert.equal((await ims.run(['patch', 'deploy/web', '-p', containers])).stdout, 'deployment.apps/web patched\n');
    const web = (await api('GET', '/apis/apps/v1/namespaces/verbs/deployments/web')).json;
    assert.deepEqual(web.spec.template.spec.containers[0].ports, [{ containerPort: 8080 }], 'containers merged by name: the port stays');
    assert.equal(web.spec.template.spec.containers[0].image, 'quay.io/org/web:2.0');
    assert.equal(
      (await ims.run(['patch', 'is', 'ruby', '--type', 'merge', '-p', 'spec: {lookupPolicy: {local: true}}'])).stdout,
      'imagestream.image.openshift.io/ruby patched\n',
    );
    assert.equal(
      (await ims.run(['patch', 'is', 'ruby', '--type', 'merge', '-p', 'spec: {lookupPolicy: {local: true}}'])).stdout,
      'imagestream.image.openshift.io/ruby patched (no change)\n',
    );
    const json = await ims.run([
      'patch',
      'is/ruby',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/lookupPolicy/local","value":false}]',
      '-o',
      'jsonpath={.spec.lookupPolicy.local}',
    ]);
    assert.equal(json.stdout, 'false');
    const file = join(makeTempDir('ims-patch'), 'patch.yaml');
    writeFileSync(file, 'metadata:\n  labels:\n    from: file\n');
    assert.equal((await ims.run(['patch', 'is/ruby', '--patch-file', file])).code, 0);
    assert.equal((await stream('ruby')).metadata.labels.from, 'file');
    assert.match((await ims.run(['patch', 'is/ruby', '--type=json', '-p', '{"a":1}'])).stderr, /^error: a JSON patch \(--type json\) is a list of operations/);
    assert.match((await ims.run(['patch', 'is/ruby', '--type=bogus', '-p', '{}'])).stderr, /^error: --type must be one of \[json merge strategic\]/);
    const refused = await ims.run(['patch', 'is/ruby', '--type=json', '-p', '[{"op":"test","path":"/spec/lookupPolicy/local","value":true}]']);
    assert.equal(refused.code, 1);
  });

  it('edits in $EDITOR, keeps what others changed meanwhile, and reopens a refused save with the reasons', async () => {
    const dir = makeTempDir('ims-editor');
    const script = (name: string, body: string) => {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/sh\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    };
    const unchanged = await ims.run(['edit', 'is/ruby'], { env: { EDITOR: 'true' } });
    assert.deepEqual(unchanged, { code: 0, stdout: '', stderr: 'Edit cancelled, no changes made.\n' });
    const emptied = await ims.run(['edit', 'is/ruby'], { env: { EDITOR: 'truncate -s 0' } });
    assert.deepEqual(emptied, { code: 0, stdout: '', stderr: 'Edit cancelled, saved file was empty.\n' });

    const meanwhile = script('meanwhile', `"${imsBin}" annotate -n verbs is/ruby meanwhile=yes >/dev/null\nsed -i 's/local: false/local: true/' "$1"`);
    const edited = await ims.run(['edit', 'is', 'ruby'], { env: { KUBE_EDITOR: meanwhile, EDITOR: 'false' } });
    assert.deepEqual(edited, { code: 0, stdout: 'imagestream.image.openshift.io/ruby edited\n', stderr: '' });
    const saved = await stream('ruby');
    assert.equal(saved.spec.lookupPolicy.local, true);
    assert.equal(saved.metadata.annotations.meanwhile, 'yes', "the other writer's change is kept");

    const asJson = await ims.run(['edit', 'is/ruby', '-o', 'json'], { env: { EDITOR: `sed -i 's/"meanwhile": "yes"/"meanwhile": "json"/'` } });
    assert.equal(asJson.stdout, 'imagestream.image.openshift.io/ruby edited\n', asJson.stderr);
    assert.equal((await stream('ruby')).metadata.annotations.meanwhile, 'json');

    const seen = join(dir, 'seen');
    const count = join(dir, 'count');
    const fixing = script(
      'fixing',
      [
        `n=$(cat "${count}" 2>/dev/null || echo 0); echo $((n+1)) > "${count}"`,
        `if [ "$n" = 0 ]; then sed -i 's/^  name: ruby$/  name: renamed/' "$1"`,
        `else cp "$1" "${seen}"; sed -i 's/^  name: renamed$/  name: ruby/; s/local: true/local: false/' "$1"; fi`,
      ].join('\n'),
    );
    const fixed = await ims.run(['edit', 'is/ruby'], { env: { EDITOR: fixing } });
    assert.equal(fixed.stdout, 'imagestream.image.openshift.io/ruby edited\n', fixed.stderr);
    assert.match(
      readFileSync(seen, 'utf8'),
      /^# imagestream\.image\.openshift\.io "ruby" was not valid:\n# \* At least one of apiVersion, kind and name was changed\n/m,
    );
    assert.equal((await stream('ruby')).spec.lookupPolicy.local, false);

    // The same refused change, saved twice: the edit ends and keeps a copy of the file.
    const invalid = await ims.run(['edit', 'deploy/web'], { env: { EDITOR: `sed -i 's/^    app: web$/    app: not a label value!/'` } });
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /^A copy of your changes has been stored to "(.+\.yaml)"\nerror: Edit cancelled, no valid changes were saved\.\n$/);
    const copy = /stored to "(.+)"/.exec(invalid.stderr)![1];
    assert.ok(existsSync(copy));
    after(() => rmSync(dirname(copy), { recursive: true, force: true }));
    assert.match(readFileSync(copy, 'utf8'), /^# deployment\.apps "web" was not valid:\n# \* .*not a label value!/m);
    assert.equal((await api('GET', '/apis/apps/v1/namespaces/verbs/deployments/web')).json.metadata.labels.app, 'web', 'nothing saved');
  });

  it('gets with --show-labels, --sort-by, custom columns, and across projects', async () => {
    const labels = await ims.run(['get', 'is', '--show-labels']);
    assert.match(labels.stdout, /^NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED\s+LABELS\n/);
    assert.match(labels.stdout, /\npython\s.*\steam=api\n/);
    assert.match(labels.stdout, /\nruby\s.*\sfrom=file,team=api\n/);
    const columns = await ims.run(['get', 'is', '-o', 'custom-columns=NAME:.metadata.name,LOCAL:.spec.lookupPolicy.local,TAGS:.spec.tags[*].name']);
    assert.equal(columns.stdout, 'NAME     LOCAL   TAGS\npython   true    <none>\nruby     false   <none>\n');
    assert.match(
      (await ims.run(['get', 'is', '-o', 'custom-columns=oops'])).stderr,
      /^error: unexpected custom-columns spec: oops, expected <header>:<json-path-expr>/,
    );
    assert.equal((await ims.run(['create', 'imagestream', 'aardvark'])).code, 0);
    const byName = await ims.run(['get', 'is', '--sort-by=.metadata.name', '-o', 'name']);
    assert.equal(byName.stdout, 'imagestream.image.openshift.io/aardvark\nimagestream.image.openshift.io/python\nimagestream.image.openshift.io/ruby\n');
    const byLocal = await ims.run(['get', 'is', '--sort-by={.spec.lookupPolicy.local}', '--no-headers']);
    assert.match(byLocal.stdout, /^(aardvark|ruby)\s.*\n(aardvark|ruby)\s.*\npython\s/);
    // Timestamps have whole seconds, so streams made within one second tie: check the order, not a name.
    const byAge = await ims.run([
      'get',
      'is',
      '--sort-by=.metadata.creationTimestamp',
      '-o',
      'custom-columns=N:.metadata.name,T:.metadata.creationTimestamp',
      '--no-headers',
    ]);
    const rows = byAge.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    const times = rows.map(([, time]) => Date.parse(time));
    assert.deepEqual(
      [...times].sort((a, b) => a - b),
      times,
      byAge.stdout,
    );
    assert.equal(times[rows.findIndex(([name]) => name === 'aardvark')], Math.max(...times), 'the newest stream sorts last (or ties with it)');
    assert.match((await ims.run(['get', 'is', '--sort-by=.nothing.here'])).stderr, /couldn't find any field with path "\{\.nothing\.here\}"/);
    const everywhere = await ims.run(['get', 'sa', '-A', '-l', 'nope=1']);
    assert.equal(everywhere.stderr, 'No resources found\n');
    const all = await ims.run(['get', 'sa', '--all-namespaces', '-o', 'custom-columns=NS:.metadata.namespace,NAME:.metadata.name']);
    assert.match(all.stdout, /\nverbs\s+builder\n/);
    assert.match(all.stdout, /\ndefault\s+default\n/);
  });

  it('watches with custom columns and labels too', async () => {
    const process = cliSession();
    assert.equal((await process.run(['login', server.url, '--token', server.adminToken])).code, 0);
    const columns = process.start(['get', 'is', '-n', 'verbs', '-w', '-o', 'custom-columns=NAME:.metadata.name,LOCAL:.spec.lookupPolicy.local']);
    const labels = process.start(['get', 'is', '-n', 'verbs', '-w', '--show-labels']);
    try {
      await columns.nextLine(/^NAME\s+LOCAL$/);
      await columns.nextLine(/^ruby\s+false$/);
      await labels.nextLine(/^NAME\s.*\sLABELS$/);
      await labels.nextLine(/^ruby\s.*\sfrom=file,team=api$/);
      await api('POST', '/apis/image.openshift.io/v1/namespaces/verbs/imagestreams', {
        metadata: { name: 'watched', labels: { seen: 'yes' } },
        spec: { lookupPolicy: { local: true } },
      });
      await columns.whileRunning(columns.nextLine(/^watched\s+true$/));
      await labels.whileRunning(labels.nextLine(/^watched\s.*\sseen=yes$/));
    } finally {
      await columns.stop();
      await labels.stop();
    }
    assert.equal((await ims.run(['delete', 'is/watched'])).code, 0);
  });

  it('deletes what a label selector picks', async () => {
    const deleted = await ims.run(['delete', 'is', '-l', 'team=api']);
    assert.equal(deleted.stdout, 'imagestream.image.openshift.io "python" deleted\nimagestream.image.openshift.io "ruby" deleted\n');
    assert.equal((await api('GET', '/apis/image.openshift.io/v1/namespaces/verbs/imagestreams/aardvark')).status, 200, 'the unlabelled one stays');
    assert.deepEqual(await ims.run(['delete', 'is', '-l', 'team=api']), { code: 0, stdout: '', stderr: 'No resources found\n' });
    assert.equal((await ims.run(['delete', 'is/aardvark', '-l', 'a=b'])).stderr, 'error: name cannot be provided when a selector (-l) or --all is specified\n');
    assert.equal((await ims.run(['delete', 'is', '--all'])).stdout, 'imagestream.image.openshift.io "aardvark" deleted\n');
    assert.equal((await api('GET', '/apis/image.openshift.io/v1/namespaces/verbs/imagestreams')).json.items.length, 0);
  });

  it('lists the kinds the server serves, and explains their fields', async () => {
    const resources = await ims.run(['api-resources']);
    assert.match(resources.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\n/);
    assert.match(resources.stdout, /\nimagestreams\s+is\s+image\.openshift\.io\/v1\s+true\s+ImageStream\n/);
    assert.match(resources.stdout, /\nnamespaces\s+ns\s+v1\s+false\s+Namespace\n/);
    assert.ok(resources.stdout.indexOf('\nnamespaces ') < resources.stdout.indexOf('\ndeployments '), 'the core group first');
    const clusterWide = await ims.run(['api-resources', '--namespaced=false', '-o', 'name']);
    assert.ok(clusterWide.stdout.split('\n').includes('images.image.openshift.io'));
    assert.ok(!clusterWide.stdout.split('\n').includes('imagestreams.image.openshift.io'));
    const wide = await ims.run(['api-resources', '--api-group=image.openshift.io', '-o', 'wide', '--verbs=watch']);
    assert.match(wide.stdout, /\nimagestreams\s.*\[create delete deletecollection get list patch update watch\]\s+all\n/);
    assert.doesNotMatch(wide.stdout, /imagestreamtags/);

    const explained = await ims.run(['explain', 'is.spec.tags']);
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(
      explained.stdout,
      /^GROUP: {6}image\.openshift\.io\nKIND: {7}ImageStream\nVERSION: {4}v1\n\nFIELD: tags <\[\]Object>\n\nDESCRIPTION:\n {4}The tags of the stream/,
    );
    assert.match(explained.stdout, /\nFIELDS:\n {2}annotations\t<map\[string\]string>\n {4}Optional: annotations applied to images/);
    assert.match(explained.stdout, /\n {2}importPolicy\t<Object>\n {4}Controls how images for this tag may be imported by the server\.\n/);
    const tree = await ims.run(['explain', 'istag', '--recursive']);
    assert.match(tree.stdout, /\n {2}tag\t<Object>\n {4}annotations\t<map\[string\]string>\n/);
    assert.equal((await ims.run(['explain', 'is.spec.nope'])).stderr, 'error: field "nope" does not exist in spec\n');
    assert.equal((await ims.run(['explain', 'gizmos'])).stderr, 'error: the server doesn\'t have a resource type "gizmos"\n');
  });

  it('prints client and server versions', async () => {
    const version = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version;
    const both = await ims.run(['version']);
    assert.equal(both.stdout, `Client Version: ${version}\nServer Version: ${version}\nKubernetes Version: v1.33.0-imagestream\n`);
    assert.equal((await ims.run(['version', '--client'])).stdout, `Client Version: ${version}\n`);
    const json = JSON.parse((await ims.run(['version', '-o', 'json'])).stdout);
    assert.equal(json.clientVersion.gitVersion, version);
    assert.equal(json.serverVersion.kubernetesVersion.minor, '33');
  });

  it('takes roles away with policy remove-role-from-user|group, deleting a binding left empty', async () => {
    assert.equal((await ims.run(['policy', 'add-role-to-user', 'edit', 'alice', 'bob'])).code, 0);
    assert.equal((await ims.run(['policy', 'add-role-to-group', 'view', 'auditors'])).code, 0);
    const removed = await ims.run(['policy', 'remove-role-from-user', 'edit', 'alice']);
    assert.equal(removed.stdout, 'clusterrole.rbac.authorization.k8s.io/edit removed: "alice"\n', removed.stderr);
    const bindings = async () => (await api('GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/verbs/rolebindings')).json.items as any[];
    assert.deepEqual(
      (await bindings()).find((b) => b.roleRef.name === 'edit').subjects.map((s: any) => s.name),
      ['bob'],
    );
    const again = await ims.run(['policy', 'remove-role-from-user', 'edit', 'alice']);
    assert.deepEqual([again.code, again.stderr], [1, 'error: unable to find target ["alice"]\n']);
    assert.equal((await ims.run(['policy', 'remove-role-from-user', 'edit', 'bob'])).code, 0);
    assert.equal(
      (await bindings()).find((b) => b.roleRef.name === 'edit'),
      undefined,
      'the empty binding is gone',
    );
    assert.equal(
      (await ims.run(['policy', 'remove-role-from-group', 'view', 'auditors'])).stdout,
      'clusterrole.rbac.authorization.k8s.io/view removed: "auditors"\n',
    );
    assert.equal(
      (await ims.run(['policy', 'remove-role-from-user', 'edit', 'carol'])).stderr,
      'error: unable to locate any RoleBinding for ClusterRole "edit"\n',
    );
    assert.ok(
      (await bindings()).some((b) => b.roleRef.name === 'system:image-puller'),
      'other bindings stay',
    );
  });

  it('unlinks secrets from a service account', async () => {
    for (const name of ['a', 'b']) assert.equal((await ims.run(['create', 'secret', 'generic', name, '--from-literal=k=v'])).code, 0);
    assert.equal((await ims.run(['secrets', 'link', 'default', 'a', 'b', '--for=pull,mount'])).code, 0);
    assert.equal((await ims.run(['secrets', 'unlink', 'default', 'a'])).stdout, 'serviceaccount/default updated\n');
    const sa = (await api('GET', '/api/v1/namespaces/verbs/serviceaccounts/default')).json;
    assert.deepEqual(
      sa.imagePullSecrets.map((s: any) => s.name),
      ['b'],
    );
    assert.ok(!sa.secrets.some((s: any) => s.name === 'a'));
    assert.equal((await ims.run(['secrets', 'unlink', 'default', 'a'])).stderr, 'error: No valid secrets found or secrets not linked to service account\n');
    await api('DELETE', '/api/v1/namespaces/verbs/secrets/b');
    assert.deepEqual(await ims.run(['secrets', 'unlink', 'default', 'secret/b']), {
      code: 1,
      stdout: '',
      stderr: 'secret "secret/b" not found\nerror: Unlinked deleted secrets from verbs/default service account\n',
    });
    assert.deepEqual((await api('GET', '/api/v1/namespaces/verbs/serviceaccounts/default')).json.imagePullSecrets ?? [], []);
    assert.equal((await ims.run(['secrets', 'unlink', 'default'])).stderr, 'error: must have service account name and at least one secret name\n');
    assert.equal((await ims.run(['secrets', 'unlink', 'default', 'configmap/b'])).stderr, 'error: expected resource of type secret, got "configmap/b"\n');
    assert.equal((await ims.run(['secrets', 'link', 'builder', 'a'])).code, 0);
    assert.deepEqual(await ims.run(['secrets', 'unlink', 'builder', 'secrets/a', '-o', 'name']), { code: 0, stdout: 'serviceaccount/builder\n', stderr: '' });
    assert.equal((await ims.run(['secrets', 'link', 'builder', 'a', '--for=pull'])).code, 0);
    const printed = JSON.parse((await ims.run(['secrets', 'unlink', 'builder', 'a', '-o', 'json'])).stdout || '{}');
    assert.equal(printed.kind, 'ServiceAccount');
    assert.ok(!(printed.imagePullSecrets ?? []).some((s: any) => s.name === 'a'), 'the account as it is now');
  });

  it('lists a group of commands on the group word or its --help, not the top-level banner', async () => {
    for (const words of [['set'], ['set', '--help'], ['policy', '--help'], ['adm'], ['create', 'secret', '-h']]) {
      const help = await ims.run(words);
      assert.equal(help.code, 0, words.join(' '));
      assert.doesNotMatch(help.stdout, /OpenShift's image streams, standalone/, words.join(' '));
      assert.match(help.stdout, /\nAvailable Commands:\n/, words.join(' '));
    }
    const set = (await ims.run(['set', '--help'])).stdout;
    assert.match(
      set,
      /^Set image triggers and image lookup\.\n\nUsage:\n {2}ims set COMMAND \[flags\]\n\nAvailable Commands:\n {2}image-lookup\s+.*\n {2}triggers\s+.*\n/,
    );
    assert.match((await ims.run(['policy'])).stdout, /\n {2}remove-role-from-group\s/);
    assert.match((await ims.run(['adm', '--help'])).stdout, /\n {2}groups\s+Manage groups of users\n/);
    assert.match((await ims.run(['create', '--help'])).stdout, /\nAvailable Commands:\n(?: {2}.*\n)* {2}imagestream\s/);
    assert.equal((await ims.run(['set', 'bogus'])).stderr, 'error: unknown command "bogus" for "ims set"\nRun \'ims set --help\' for usage.\n');
  });
});
