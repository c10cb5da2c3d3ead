// TODO(contracts): ROLES, PERMISSIONS and their types belong in packages/contracts, shared with
// the web app; they live here until the contracts package has landed.

/** Account roles; every new account is a learner. */
export const ROLES = ['learner', 'instructor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const DEFAULT_ROLE: Role = 'learner';

/** Permissions carried in access tokens (`permissions` claim) and required by API routes. */
export const PERMISSIONS = {
  takeExams: 'take:exams',
  manageExams: 'manage:exams',
  manageUsers: 'manage:users',
} as const;
export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];
export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze(Object.values(PERMISSIONS));

const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  learner: Object.freeze([PERMISSIONS.takeExams]),
  instructor: Object.freeze([PERMISSIONS.takeExams, PERMISSIONS.manageExams]),
  admin: Object.freeze([PERMISSIONS.takeExams, PERMISSIONS.manageExams, PERMISSIONS.manageUsers]),
});

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
