import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeRulesNotHeld, rulesNotHeld } from '../../../src/auth/rbac/rules-not-held.ts';
import { ruleAllows } from '../../../src/auth/rbac/rule-matching.ts';
import type { RequestAttributes } from '../../../src/auth/rbac/rbac-types.ts';
import type { PolicyRule } from '../../../src/kube/kinds/rbac.ts';

/** A grantor who holds exactly `held`. */
const holding = (held: PolicyRule[]) => async (request: RequestAttributes) => held.some((rule) => ruleAllows(rule, request));

describe('rules not held', () => {
  it('covers a wildcard only with the wildcard itself, as Kubernetes does', async () => {
    const everything: PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
    assert.deepEqual(await rulesNotHeld(everything, 'ns', holding(everything)), []);
    const broad: PolicyRule[] = [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }];
    assert.deepEqual(await rulesNotHeld(everything, 'ns', holding(broad)), everything);
    assert.deepEqual(
      await rulesNotHeld(
        [{ apiGroups: [''], resources: ['pods/status'], verbs: ['get'] }],
        'ns',
        holding([{ apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }]),
      ),
      [],
    );
  });

  it('asks each resource name, and a rule without names needs a grant without names', async () => {
    const named: PolicyRule[] = [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['get'] }];
    assert.deepEqual(await rulesNotHeld([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'], verbs: ['get'] }], 'ns', holding(named)), [
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['b'], verbs: ['get'] },
    ]);
    assert.deepEqual(await rulesNotHeld([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], 'ns', holding(named)), [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
    ]);
  });

  it('words the refusal as Kubernetes does: one sorted line per group and resource, verbs together', async () => {
    const missing = await rulesNotHeld(
      [
        { apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], verbs: ['get', 'delete'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
      'ns',
      holding([
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'delete'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      ]),
    );
    assert.equal(
      describeRulesNotHeld({ name: 'alice', groups: ['devs', 'system:authenticated'] }, missing),
      'user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["deployments"], Verbs:["get" "delete"]}\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n' +
        '{APIGroups:["apps"], Resources:["pods"], Verbs:["get" "delete"]}\n' +
        '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
    );
  });
});
