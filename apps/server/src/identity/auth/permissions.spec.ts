import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_ROLE,
  isPermission,
  isRole,
  permissionsForRole,
  permissionsForScopes,
} from './permissions.ts';

describe('permissions', () => {
  it('maps each role to the permissions in the product brief', () => {
    assert.deepEqual(permissionsForRole('learner'), ['take:exams']);
    assert.deepEqual(permissionsForRole('instructor'), ['take:exams', 'manage:exams']);
    assert.deepEqual(permissionsForRole('admin'), ['take:exams', 'manage:exams', 'manage:users']);
    assert.equal(DEFAULT_ROLE, 'learner');
  });

  it('recognises only the defined roles and permissions', () => {
    assert.ok(isRole('admin'));
    assert.ok(!isRole('Admin'));
    assert.ok(!isRole('root'));
    assert.ok(!isRole('__proto__'));
    assert.ok(isPermission('manage:users'));
    assert.ok(!isPermission('manage:everything'));
  });

  it('gives a machine client exactly its granted scopes that are permissions', () => {
    assert.deepEqual(permissionsForScopes(['openid', 'manage:exams', 'take:exams', 'x:y']), [
      'take:exams',
      'manage:exams',
    ]);
    assert.deepEqual(permissionsForScopes([]), []);
  });

  it('hands out frozen lists that callers cannot widen', () => {
    assert.throws(() => {
      (permissionsForRole('learner') as string[]).push('manage:users');
    }, TypeError);
    assert.deepEqual(permissionsForRole('learner'), ['take:exams']);
  });
});
