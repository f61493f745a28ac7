import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPushHints } from '../../src/webhooks/payload-formats.ts';
import { isAppError } from '../../src/errors.ts';
import {
  distributionEnvelope,
  dockerHubPush,
  genericPush,
  githubRegistryPackage,
  harborPushArtifact,
  quayRepositoryPush,
} from '../support/webhook-payloads.ts';

const digest = `sha256:${'d'.repeat(64)}`;
const pushed = { host: 'registry.example.com:5000', repository: 'team/app', tag: 'v1', digest };
const read = (type: Parameters<typeof readPushHints>[0], delivery: { body: string; headers: Record<string, string> }) =>
  readPushHints(type, JSON.parse(delivery.body), new Headers(delivery.headers));
const refused = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (error: unknown) => isAppError(error, 'BadRequest') && pattern.test((error as Error).message));

describe('readPushHints', () => {
  it('reads a distribution envelope: host, repository, tag, digest and the event id', () => {
    assert.deepEqual(read('distribution', distributionEnvelope(pushed, ['e1'])), [
      { registry: 'registry.example.com:5000', repository: 'team/app', tag: 'v1', digest, deliveryId: 'e1' },
    ]);
  });

  it('skips pulls, blob pushes and pushes by digest in a distribution envelope', () => {
    const envelope = JSON.parse(distributionEnvelope(pushed).body) as { events: Record<string, unknown>[] };
    const [event] = envelope.events;
    const target = event.target as Record<string, unknown>;
    const events = [
      { ...event, action: 'pull' },
      { ...event, target: { ...target, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' } },
      { ...event, target: { ...target, tag: undefined } },
    ];
    assert.deepEqual(readPushHints('gitlab', { events }, new Headers()), []);
  });

  it("reads Docker Hub's push, naming official images under library/", () => {
    assert.deepEqual(read('dockerhub', dockerHubPush(pushed)), [{ registry: 'docker.io', repository: 'team/app', tag: 'v1' }]);
    const official = JSON.parse(dockerHubPush(pushed).body);
    official.repository.repo_name = 'nginx';
    assert.equal(readPushHints('dockerhub', official, new Headers())[0].repository, 'library/nginx');
  });

  it("reads every updated tag of Quay's repository push, the host from docker_url", () => {
    const body = JSON.parse(quayRepositoryPush(pushed).body);
    body.updated_tags = ['v1', 'latest'];
    assert.deepEqual(
      readPushHints('quay', body, new Headers()).map((h) => `${h.registry}/${h.repository}:${h.tag}`),
      ['registry.example.com:5000/team/app:v1', 'registry.example.com:5000/team/app:latest'],
    );
  });

  it("reads Harbor's PUSH_ARTIFACT, and ignores its other events", () => {
    assert.deepEqual(read('harbor', harborPushArtifact(pushed)), [
      { registry: 'registry.example.com:5000', repository: 'team/app', tag: 'v1', digest, deliveryId: undefined },
    ]);
    const pulled = JSON.parse(harborPushArtifact(pushed).body);
    pulled.type = 'PULL_ARTIFACT';
    assert.deepEqual(readPushHints('harbor', pulled, new Headers()), []);
  });

  it("reads GitHub's registry_package event with its delivery id, and ignores pings and other packages", () => {
    const delivery = githubRegistryPackage(pushed, 'secret', 'abc-123');
    assert.deepEqual(read('ghcr', delivery), [{ registry: 'ghcr.io', repository: 'team/app', tag: 'v1', digest, deliveryId: 'abc-123' }]);
    assert.deepEqual(readPushHints('ghcr', JSON.parse(delivery.body), new Headers({ ...delivery.headers, 'x-github-event': 'ping' })), []);
    const npm = JSON.parse(delivery.body);
    npm.registry_package.package_type = 'npm';
    assert.deepEqual(readPushHints('ghcr', npm, new Headers(delivery.headers)), []);
  });

  it('reads the generic payload, with or without a registry host in the repository', () => {
    assert.deepEqual(read('generic', genericPush(pushed, 's')), [
      { registry: 'registry.example.com:5000', repository: 'team/app', tag: 'v1', digest, deliveryId: undefined },
    ]);
    assert.deepEqual(readPushHints('generic', { repository: 'team/app', tag: 'v1' }, new Headers())[0].registry, undefined);
  });

  it('refuses fields no pull spec allows, naming the field', () => {
    refused(() => readPushHints('generic', { repository: '../../etc', tag: 'v1' }, new Headers()), /repository is missing or not valid/);
    refused(() => readPushHints('generic', { repository: 'team/app', tag: 'a\r\nb' }, new Headers()), /tag is missing or not valid/);
    refused(() => readPushHints('generic', { repository: 'team/app', tag: 'v1', digest: 'md5:x' }, new Headers()), /digest is missing or not valid/);
    refused(() => readPushHints('distribution', { events: {} }, new Headers()), /events must be a list/);
    refused(() => readPushHints('dockerhub', { push_data: [], repository: {} }, new Headers()), /push_data must be an object/);
    refused(() => readPushHints('quay', [], new Headers()), /must be a JSON object/);
  });

  it('refuses a delivery naming more than 100 pushes', () => {
    const body = JSON.parse(quayRepositoryPush(pushed).body);
    body.updated_tags = Array.from({ length: 101 }, (_, i) => `t${i}`);
    refused(() => readPushHints('quay', body, new Headers()), /at most 100/);
  });
});
