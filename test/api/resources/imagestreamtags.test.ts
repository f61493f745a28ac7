import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { pushImage } from '../../support/registry-client.ts';

const istags = '/apis/image.openshift.io/v1/namespaces/default/imagestreamtags';
const stream = (name: string) => `/apis/image.openshift.io/v1/namespaces/default/imagestreams/${name}`;
const tagBody = (name: string, tag: Record<string, unknown>) => ({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStreamTag', metadata: { name }, tag });

describe('imagestreamtags', () => {
  let h: Harness;
  let v1: string;
  before(async () => {
    h = await startHarness();
    v1 = (await pushImage(h, 'default/ruby', '2.7', 'ruby27')).digest;
  });

  it('shows a tag with its image, stripped of manifest and config', async () => {
    const answer = await h.request('GET', `${istags}/ruby:2.7`);
    assert.equal(answer.status, 200);
    assert.equal(answer.json.metadata.name, 'ruby:2.7');
    assert.equal(answer.json.image.metadata.name, v1);
    assert.equal(answer.json.image.dockerImageManifest, undefined);
    assert.equal(answer.json.image.dockerImageReference, `127.0.0.1:8080/default/ruby@${v1}`);
    assert.equal(answer.json.tag, null, 'a pushed tag has no spec tag');
    const list = await h.request('GET', istags);
    assert.deepEqual(
      list.json.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['ruby:2.7'],
    );
  });

  it('answers bad names with BadRequest and missing tags with NotFound', async () => {
    const bad = await h.request('GET', `${istags}/ruby`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, 'ImageStreamTags must be retrieved with <name>:<tag>');
    assert.equal((await h.request('GET', `${istags}/ruby:nope`)).status, 404);
    assert.equal((await h.request('GET', `${istags}/nostream:x`)).status, 404);
  });

  it('pins a tag to an image with an ImageStreamImage source, copying it at once', async () => {
    const answer = await h.request('PUT', `${istags}/ruby:prod`, {
      body: tagBody('ruby:prod', { name: 'prod', from: { kind: 'ImageStreamImage', name: `ruby@${v1.slice(7, 19)}` } }),
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.image.metadata.name, v1);
    assert.equal(answer.json.tag.from.kind, 'ImageStreamImage');
  });

  it('keeps an alias following its source while a pinned tag stays', async () => {
    const alias = await h.request('PUT', `${istags}/ruby:latest`, {
      body: tagBody('ruby:latest', { name: 'latest', from: { kind: 'ImageStreamTag', name: 'ruby:2.7' } }),
    });
    assert.equal(alias.json.image.metadata.name, v1);
    const v2 = (await pushImage(h, 'default/ruby', '2.7', 'ruby27-patched')).digest;
    const after = (await h.request('GET', stream('ruby'))).json;
    const current = (tag: string) => after.status.tags.find((t: { tag: string }) => t.tag === tag).items[0].image;
    assert.equal(current('2.7'), v2);
    assert.equal(current('latest'), v2, 'the alias follows');
    assert.equal(current('prod'), v1, 'the pinned tag stays');
  });

  it('copies a tag from another stream, pointing the pull spec at this stream', async () => {
    const copied = await h.request('PUT', `${istags}/app:stable`, {
      body: tagBody('app:stable', { name: 'stable', from: { kind: 'ImageStreamTag', name: 'ruby:prod' } }),
    });
    assert.equal(copied.status, 200, copied.text);
    assert.equal(copied.json.image.dockerImageReference, `127.0.0.1:8080/default/app@${v1}`);
    assert.equal((await h.request('GET', stream('app'))).status, 200, 'the stream was created');
  });

  it('resolves Local reference policy to the integrated registry', async () => {
    await h.request('PUT', `${istags}/app:ext`, {
      body: tagBody('app:ext', { name: 'ext', reference: true, from: { kind: 'DockerImage', name: 'quay.io/org/app:1.0' } }),
    });
    const reference = (await h.request('GET', stream('app'))).json.status.tags.find((t: { tag: string }) => t.tag === 'ext').items[0];
    assert.equal(reference.dockerImageReference, 'quay.io/org/app:1.0');
    assert.equal(reference.image, '');
    await h.request('PUT', `${istags}/app:local`, {
      body: tagBody('app:local', { name: 'local', from: { kind: 'ImageStreamTag', name: 'ruby:prod' }, referencePolicy: { type: 'Local' } }),
    });
    const local = await h.request('GET', `${istags}/app:local`);
    assert.equal(local.json.image.dockerImageReference, `127.0.0.1:8080/default/app@${v1}`);
  });

  it('refuses to create a tag that exists, and deletes spec and history together', async () => {
    const again = await h.request('POST', istags, { body: tagBody('ruby:prod', { name: 'prod', from: { kind: 'ImageStreamTag', name: 'ruby:2.7' } }) });
    assert.equal(again.status, 409);
    assert.equal((await h.request('DELETE', `${istags}/ruby:prod`)).status, 200);
    const after = (await h.request('GET', stream('ruby'))).json;
    assert.ok(!after.spec.tags.some((t: { name: string }) => t.name === 'prod'));
    assert.ok(!after.status.tags.some((t: { tag: string }) => t.tag === 'prod'));
    assert.equal((await h.request('DELETE', `${istags}/ruby:prod`)).status, 404);
  });

  it('needs pull rights on a source in another project', async () => {
    const user = await h.userToken('tagger');
    await h.request('POST', '/apis/project.openshift.io/v1/projectrequests', { token: user, body: { metadata: { name: 'mine' } } });
    const body = tagBody('copy:v1', { name: 'v1', from: { kind: 'ImageStreamTag', name: 'ruby:2.7', namespace: 'default' } });
    const denied = await h.request('PUT', '/apis/image.openshift.io/v1/namespaces/mine/imagestreamtags/copy:v1', { token: user, body });
    assert.equal(denied.status, 403);
    assert.match(denied.json.message, /default\/ruby/);
    await h.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      body: {
        metadata: { name: 'tagger-pull' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' },
        subjects: [{ kind: 'User', name: 'tagger' }],
      },
    });
    const allowed = await h.request('PUT', '/apis/image.openshift.io/v1/namespaces/mine/imagestreamtags/copy:v1', { token: user, body });
    assert.equal(allowed.status, 200, allowed.text);
  });
});
