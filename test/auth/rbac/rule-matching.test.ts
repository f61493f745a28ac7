import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ruleAllows, subjectMatches } from '../../../src/auth/rbac/rule-matching.ts';
import { serviceAccountUser } from '../../../src/auth/user.ts';

const request = (extra: Record<string, string | undefined>) => ({
  kind: 'resource' as const,
  verb: 'get',
  apiGroup: 'image.openshift.io',
  resource: 'imagestreams',
  namespace: 'ns',
  ...extra,
});

describe('RBAC rule matching', () => {
  it('matches verbs, groups and resources, with * and subresources', () => {
    const rule = { verbs: ['get'], apiGroups: ['image.openshift.io', ''], resources: ['imagestreams/layers'] };
    assert.ok(ruleAllows(rule, request({ subresource: 'layers' })));
    assert.ok(!ruleAllows(rule, request({})), 'the subresource rule does not cover the resource');
    assert.ok(!ruleAllows(rule, request({ subresource: 'layers', verb: 'update' })));
    assert.ok(ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, request({ subresource: 'status', verb: 'update' })));
    assert.ok(ruleAllows({ verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/*'] }, request({ subresource: 'secrets' })));
  });

  it('limits by resourceNames', () => {
    const rule = { verbs: ['get'], apiGroups: ['user.openshift.io'], resources: ['users'], resourceNames: ['~'] };
    assert.ok(ruleAllows(rule, { kind: 'resource', verb: 'get', apiGroup: 'user.openshift.io', resource: 'users', name: '~' }));
    assert.ok(!ruleAllows(rule, { kind: 'resource', verb: 'get', apiGroup: 'user.openshift.io', resource: 'users', name: 'admin' }));
    assert.ok(!ruleAllows(rule, { kind: 'resource', verb: 'get', apiGroup: 'user.openshift.io', resource: 'users' }));
  });

  it('matches non-resource URLs with a trailing *', () => {
    assert.ok(ruleAllows({ verbs: ['get'], nonResourceURLs: ['/metrics*'] }, { kind: 'nonResource', verb: 'get', path: '/metrics' }));
    assert.ok(!ruleAllows({ verbs: ['get'], nonResourceURLs: ['/healthz'] }, { kind: 'nonResource', verb: 'get', path: '/metrics' }));
  });

  it('matches service accounts by name and namespace, and groups', () => {
    const sa = serviceAccountUser('shop', 'builder');
    assert.ok(subjectMatches({ kind: 'ServiceAccount', name: 'builder' }, sa, 'shop'));
    assert.ok(!subjectMatches({ kind: 'ServiceAccount', name: 'builder' }, sa, 'other'));
    assert.ok(subjectMatches({ kind: 'Group', name: 'system:serviceaccounts:shop' }, sa, 'x'));
    assert.ok(!subjectMatches({ kind: 'User', name: 'builder' }, sa, 'shop'));
  });
});
