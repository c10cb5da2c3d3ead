import {
  ALL_PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  type Permission,
  type Role,
} from '@assay/contracts';

// Roles and permissions are declared once in packages/contracts (the web app uses them too).
export {
  ALL_PERMISSIONS,
  DEFAULT_ROLE,
  PERMISSIONS,
  ROLES,
  type Permission,
  type Role,
} from '@assay/contracts';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (ALL_PERMISSIONS as readonly string[]).includes(value);
}

/** The permissions a role grants, as in PRODUCT.md's table. */
export function permissionsForRole(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

/**
 * The permissions a machine client gets: exactly its granted scopes that are permissions
 * (`openid`, `offline_access` and unknown scopes grant nothing).
 */
export function permissionsForScopes(scopes: Iterable<string>): Permission[] {
  const granted = new Set<Permission>();
  for (const scope of scopes) if (isPermission(scope)) granted.add(scope);
  return ALL_PERMISSIONS.filter((permission) => granted.has(permission));
}
