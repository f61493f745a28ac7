import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkFieldTypes, type TypedKind } from '../../src/api/field-types.ts';
import { mapOf, struct } from '../../src/api/field-schema.ts';
import { AppError } from '../../src/errors.ts';
import { workloadSchemas } from '../../src/api/schemas/workload-specs.ts';

const kind = (schema: TypedKind['schema']): TypedKind => ({ kind: 'Widget', version: 'v1', schema });

/** The message of the BadRequest `body` gets, or undefined when it decodes. */
function refusal(definition: TypedKind, body: Record<string, unknown>): string | undefined {
  try {
    checkFieldTypes(definition, body);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof AppError && error.kind === 'BadRequest', `a BadRequest, not ${String(error)}`);
    return error.message;
  }
}

const deployment = { kind: 'Deployment', version: 'v1', schema: workloadSchemas.Deployment };
const validDeployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 2,
    paused: false,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        serviceAccountName: 'default',
        imagePullSecrets: [{ name: 'creds' }],
        containers: [
          {
            name: 'web',
            image: 'python:prod',
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 8080 }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 1 } },
            securityContext: { anything: ['goes', 1] },
          },
        ],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    },
  },
});

describe('checkFieldTypes', () => {
  it('passes a valid Deployment, with the fields it does not declare, unchanged', () => {
    const body = validDeployment();
    assert.equal(refusal(deployment, body), undefined);
    assert.deepEqual(body, validDeployment());
  });

  it("refuses a string replicas in Kubernetes' words, naming the struct, the field and its type", () => {
    const body = validDeployment();
    (body.spec as Record<string, unknown>).replicas = 'many';
    assert.equal(
      refusal(deployment, body),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
  });

  it('names the list element that is wrong, in the struct it belongs to', () => {
    const body = validDeployment();
    body.spec.template.spec.containers.push({ name: 'side', image: 7 } as never);
    assert.match(
      refusal(deployment, body)!,
      /cannot unmarshal number 7 into Go struct field Container\.spec\.template\.spec\.containers\[1\]\.image of type string$/,
    );
  });

  type Body = ReturnType<typeof validDeployment>;
  const cases: readonly (readonly [string, (b: Body) => unknown, RegExp])[] = [
    ['a fractional int32', (b) => Object.assign(b.spec, { replicas: 1.5 }), /number 1\.5 into .*spec\.replicas of type int32/],
    ['an int32 out of range', (b) => Object.assign(b.spec, { replicas: 2 ** 31 }), /number 2147483648 into .*spec\.replicas of type int32/],
    ['a string paused', (b) => Object.assign(b.spec, { paused: 'true' }), /string into Go struct field DeploymentSpec\.spec\.paused of type bool/],
    [
      'containers as an object',
      (b) => Object.assign(b.spec.template.spec, { containers: { name: 'x' } }),
      /object into .*PodSpec\.spec\.template\.spec\.containers of type \[\]v1\.Container/,
    ],
    ['a container as a string', (b) => Object.assign(b.spec.template.spec, { containers: ['web'] }), /string into .*containers\[0\] of type v1\.Container/],
    ['a list as the pod template', (b) => Object.assign(b.spec, { template: [] }), /array into .*spec\.template of type v1\.PodTemplateSpec/],
    [
      'a number label in the template',
      (b) => Object.assign(b.spec.template.metadata, { labels: { app: 1 } }),
      /ObjectMeta\.spec\.template\.metadata\.labels\[app\] of type string/,
    ],
    [
      'a selector value that is a list',
      (b) => Object.assign(b.spec.selector, { matchLabels: { app: ['web'] } }),
      /LabelSelector\.spec\.selector\.matchLabels\[app\] of type string/,
    ],
    [
      'a pull secret name that is a number',
      (b) => Object.assign(b.spec.template.spec, { imagePullSecrets: [{ name: 3 }] }),
      /LocalObjectReference\.spec\.template\.spec\.imagePullSecrets\[0\]\.name of type string/,
    ],
    [
      'a boolean service account',
      (b) => Object.assign(b.spec.template.spec, { serviceAccountName: true }),
      /bool into .*PodSpec\.spec\.template\.spec\.serviceAccountName of type string/,
    ],
    [
      'a quantity that is not one',
      (b) => Object.assign(b.spec.template.spec.containers[0].resources.limits, { cpu: 'lots' }),
      /limits\[cpu\]: quantities must match/,
    ],
    ['an int-or-string that is a bool', (b) => Object.assign(b.spec.strategy.rollingUpdate, { maxSurge: true }), /maxSurge of type intstr\.IntOrString/],
  ];
  for (const [what, mutate, expected] of cases) {
    it(`refuses ${what}`, () => {
      const body = validDeployment();
      mutate(body);
      assert.match(refusal(deployment, body) ?? '(accepted)', expected);
    });
  }

  it('takes null for absent, as Go decodes it: a declared field is removed, a list element becomes its zero value', () => {
    const body = validDeployment();
    Object.assign(body.spec, { replicas: null, paused: null, strategy: { type: null } });
    Object.assign(body.spec.template.spec, { containers: [null], volumes: null });
    assert.equal(refusal(deployment, body), undefined);
    const spec = body.spec as unknown as Record<string, unknown> & { template: { spec: Record<string, unknown> } };
    assert.equal('replicas' in spec, false);
    assert.equal('paused' in spec, false);
    assert.deepEqual(spec.strategy, {});
    assert.deepEqual(spec.template.spec.containers, [{}]);
    assert.equal(spec.template.spec.volumes, null, 'an undeclared field is left as sent');
  });

  it('checks base64 as Go decodes []byte: padding required, line breaks skipped', () => {
    const secret = kind({ data: mapOf('bytes') });
    for (const good of ['', 'YQ==', 'YWI=', 'YWJj', 'YWJj\nZA==', 'YW\r\nJj']) assert.equal(refusal(secret, { data: { k: good } }), undefined, good);
    for (const [bad, offset] of [
      ['YQ', 2],
      ['Y===', 1],
      ['YWJj!', 4],
      ['YQ==YQ==', 4],
      ['YWJjZA=', 7],
      ['-_-_', 0],
    ] as const)
      assert.equal(
        refusal(secret, { data: { k: bad } }),
        `Widget in version "v1" cannot be handled as a Widget: Widget.data[k]: illegal base64 data at input byte ${offset}`,
        bad,
      );
    assert.match(refusal(secret, { data: { k: 1 } })!, /number 1 into Go struct field Widget\.data\[k\] of type \[\]uint8/);
    assert.match(refusal(secret, { data: ['YQ=='] })!, /array into Go struct field Widget\.data of type map\[string\]\[\]uint8/);
  });

  it('leaves fields the schema does not name alone, and never reads a prototype for "__proto__" or "constructor"', () => {
    const open = kind({ spec: struct('Spec', { count: 'int32', '*': true }) });
    const body = JSON.parse('{"spec":{"count":1,"__proto__":"x","constructor":"y","other":[1,"a"]}}');
    assert.equal(refusal(open, body), undefined);
    const closed = kind({ spec: struct('Spec', { count: 'int32' }) });
    assert.equal(refusal(closed, JSON.parse('{"spec":{"__proto__":5,"constructor":5}}')), undefined, 'unknown fields are field validation, not decoding');
  });

  it('says nothing about a kind without a schema', () => {
    assert.equal(refusal({ kind: 'Widget', version: 'v1' }, { spec: 'anything' }), undefined);
  });
});
