import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { documentedSubresourcesOf, kindDescriptionOf, schemaOf } from '../../../src/api/openapi/resource-operations.ts';
import { kindDescriptions } from '../../../src/api/openapi/kind-descriptions.ts';
import { legacyTargetOf } from '../../../src/api/legacy-kinds.ts';
import { builtInDefinitions } from '../../../src/api/resources/catalogue.ts';

const served = builtInDefinitions(() => 'registry.example').filter((d) => !legacyTargetOf(d));

describe('the kinds as kubectl explain introduces them', () => {
  it('gives every kind served a description of its own, not a stub naming the kind', () => {
    for (const d of served) {
      const description = schemaOf(d).schema.description ?? '';
      assert.ok(kindDescriptionOf(d), `${d.group}/${d.kind} has no description`);
      assert.ok(description.length > 40 && !description.startsWith(`${d.kind} (`), `${d.group}/${d.kind}: ${description}`);
      for (const { schema } of documentedSubresourcesOf(d)) assert.ok(kindDescriptionOf({ group: schema.gvk.group, kind: schema.gvk.kind }), schema.name);
    }
  });

  it('describes no kind the server does not serve', () => {
    const subresourceKinds = served.flatMap((d) => documentedSubresourcesOf(d).map(({ schema }) => `${schema.gvk.group}/${schema.gvk.kind}`));
    const keys = new Set([...served.map((d) => `${d.group}/${d.kind}`), ...subresourceKinds]);
    assert.deepEqual(subresourceKinds, ['image.openshift.io/ImageStreamLayers', '/SecretList']);
    assert.deepEqual(
      Object.keys(kindDescriptions).filter((key) => !keys.has(key)),
      [],
    );
  });

  it("says what OpenShift's documentation says an image kind is", () => {
    const of = (kind: string) => kindDescriptions[`image.openshift.io/${kind}`];
    assert.match(of('ImageStreamImage'), /"<stream>@<digest>"/);
    assert.match(of('ImageStreamTag'), /while an import runs, or after it failed, the previous image shows/);
    assert.match(of('ImageStream'), /"get imagestreams\/layers"/);
  });
});
