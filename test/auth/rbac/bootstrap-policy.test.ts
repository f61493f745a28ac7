import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapClusterRoles } from '../../../src/auth/rbac/bootstrap-policy.ts';
import { rulesNotHeld } from '../../../src/auth/rbac/rules-not-held.ts';
import { ruleAllows } from '../../../src/auth/rbac/rule-matching.ts';
import type { RequestAttributes } from '../../../src/auth/rbac/rbac-types.ts';

const rulesOf = (name: string) => bootstrapClusterRoles.find((role) => role.name === name)!.rules;

describe('bootstrap policy', () => {
  it('gives admin every permission of edit, view and the image roles, so a project admin may bind them without `bind`', async () => {
    const admin = async (request: RequestAttributes) => rulesOf('admin').some((rule) => ruleAllows(rule, request));
    for (const role of ['admin', 'edit', 'view', 'system:image-puller', 'system:image-pusher', 'system:image-builder', 'system:deployer']) {
      assert.deepEqual(await rulesNotHeld(rulesOf(role), 'project', admin), [], role);
    }
  });
});
