// Stand-ins for what each registry POSTs when a tag is pushed, built from the senders' documented
// formats (the distribution registry's notifications envelope, Docker Hub's, Quay's repository
// push, Harbor's PUSH_ARTIFACT, GitHub's registry_package event, GitLab's registry notifications
// and our generic receiver), and the headers each sends with it.
import { createHmac, randomUUID } from 'node:crypto';

export interface Delivery {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface Pushed {
  /** As the sender names its own host. */
  readonly host: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
}

const json = { 'content-type': 'application/json' };

export function distributionEnvelope(pushed: Pushed, ids: readonly string[] = [randomUUID()]): Delivery {
  const events = ids.map((id) => ({
    id,
    timestamp: new Date().toISOString(),
    action: 'push',
    target: {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      size: 528,
      digest: pushed.digest,
      length: 528,
      repository: pushed.repository,
      url: `http://${pushed.host}/v2/${pushed.repository}/manifests/${pushed.digest}`,
      tag: pushed.tag,
    },
    request: { id: randomUUID(), addr: '127.0.0.1:40000', host: pushed.host, method: 'PUT', useragent: 'skopeo/1.13' },
    actor: {},
    source: { addr: 'registry:5000', instanceID: randomUUID() },
  }));
  return { body: JSON.stringify({ events }), headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json' } };
}

export function dockerHubPush(pushed: Pushed): Delivery {
  const [namespace, name] = pushed.repository.split('/');
  return {
    body: JSON.stringify({
      callback_url: `https://registry.hub.docker.com/u/${pushed.repository}/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/`,
      push_data: { pushed_at: Math.floor(Date.now() / 1000), pusher: 'trustedbuilder', tag: pushed.tag },
      repository: {
        comment_count: 0,
        date_created: 1417494799,
        description: '',
        is_official: false,
        is_private: true,
        is_trusted: true,
        name,
        namespace,
        owner: namespace,
        repo_name: pushed.repository,
        repo_url: `https://registry.hub.docker.com/u/${pushed.repository}/`,
        star_count: 0,
        status: 'Active',
      },
    }),
    headers: json,
  };
}

export function quayRepositoryPush(pushed: Pushed): Delivery {
  const [namespace, name] = pushed.repository.split('/');
  return {
    body: JSON.stringify({
      name,
      repository: pushed.repository,
      namespace,
      docker_url: `${pushed.host}/${pushed.repository}`,
      homepage: `https://${pushed.host}/repository/${pushed.repository}`,
      updated_tags: [pushed.tag],
    }),
    headers: json,
  };
}

export function harborPushArtifact(pushed: Pushed): Delivery {
  const [namespace, name] = pushed.repository.split('/');
  return {
    body: JSON.stringify({
      type: 'PUSH_ARTIFACT',
      occur_at: Math.floor(Date.now() / 1000),
      operator: 'admin',
      event_data: {
        resources: [{ digest: pushed.digest, tag: pushed.tag, resource_url: `${pushed.host}/${pushed.repository}:${pushed.tag}` }],
        repository: { date_created: 1586922308, name, namespace, repo_full_name: pushed.repository, repo_type: 'private' },
      },
    }),
    headers: json,
  };
}

export function githubRegistryPackage(pushed: Pushed, secret: string, delivery: string = randomUUID()): Delivery {
  const [owner, name] = pushed.repository.split('/');
  const body = JSON.stringify({
    action: 'published',
    registry_package: {
      id: 1234,
      name,
      namespace: owner,
      ecosystem: 'CONTAINER',
      package_type: 'CONTAINER',
      html_url: `https://github.com/${owner}/${name}/pkgs/container/${name}`,
      registry: {
        about_url: 'https://docs.github.com',
        name: 'GitHub CONTAINER registry',
        type: 'CONTAINER',
        url: `https://ghcr.io/${owner}`,
        vendor: 'GitHub Inc',
      },
      package_version: {
        id: 5678,
        version: pushed.digest,
        name: pushed.digest,
        container_metadata: { tag: { name: pushed.tag, digest: pushed.digest }, labels: {}, manifest: {} },
        package_url: `ghcr.io/${pushed.repository}:${pushed.tag}`,
      },
    },
    repository: { full_name: `${owner}/${name}` },
    sender: { login: owner },
  });
  return {
    body,
    headers: {
      ...json,
      'x-github-event': 'registry_package',
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'user-agent': 'GitHub-Hookshot/abc123',
    },
  };
}

export function genericPush(pushed: Pushed, secret: string): Delivery {
  const body = JSON.stringify({ repository: `${pushed.host}/${pushed.repository}`, tag: pushed.tag, digest: pushed.digest });
  return { body, headers: { ...json, 'x-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` } };
}

export async function deliver(url: string, delivery: Delivery): Promise<{ status: number; body: string }> {
  const answer = await fetch(url, { method: 'POST', body: delivery.body, headers: delivery.headers });
  return { status: answer.status, body: await answer.text() };
}
