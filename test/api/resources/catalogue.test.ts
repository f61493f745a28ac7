import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../support/api-harness.ts';
import { kinds } from '../../../src/kube/kinds.ts';

const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

interface Discovered {
  group: string;
  version: string;
  kind: string;
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: Record<string, string>;
}

describe('catalogue', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });

  async function discovered(): Promise<Discovered[]> {
    const found: Discovered[] = [];
    for (const path of ['/api', '/apis']) {
      for (const item of (await h.request('GET', path, { accept })).json.items) {
        for (const version of item.versions) {
          // Resources that serve no verb are the stand-ins for OpenShift 3's legacy kinds (legacy-kinds.test.ts).
          for (const r of version.resources.filter((r: { verbs: string[] }) => r.verbs.length > 0)) {
            const subresources = Object.fromEntries(
              (r.subresources ?? [])
                .filter((s: { subresource: string }) => s.subresource !== 'status')
                .map((s: { subresource: string; responseKind: { kind: string } }) => [s.subresource, s.responseKind.kind]),
            );
            found.push({
              group: item.metadata.name ?? '',
              version: version.version,
              kind: r.responseKind.kind,
              resource: r.resource,
              singular: r.singularResource,
              namespaced: r.scope === 'Namespaced',
              shortNames: r.shortNames ?? [],
              subresources,
            });
          }
        }
      }
    }
    return found.sort((a, b) => a.resource.localeCompare(b.resource));
  }

  it('serves every kind of the kinds table under the identity the table gives it, and no other', async () => {
    const table = Object.values(kinds)
      .map((k) => ({
        group: k.group,
        version: k.version,
        kind: k.kind,
        resource: k.resource,
        singular: k.singular,
        namespaced: k.namespaced,
        shortNames: [...k.shortNames],
        subresources: { ...k.subresources },
      }))
      .sort((a, b) => a.resource.localeCompare(b.resource));
    assert.deepEqual(await discovered(), table);
  });
});
