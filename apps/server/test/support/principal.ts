import type { Principal } from '../../src/platform/principal.ts';

/** A person's principal for service-level tests: what they name, and empty for the rest. */
export function testPrincipal(
  fields: Pick<Principal, 'subject' | 'issuer' | 'permissions'> & Partial<Principal>,
): Principal {
  return {
    kind: 'user',
    clientId: 'assay-web',
    displayName: null,
    roles: [],
    scope: [],
    ...fields,
  };
}
