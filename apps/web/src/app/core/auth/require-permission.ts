import { inject } from '@angular/core';
import type { CanActivateFn } from '@angular/router';
import { RedirectCommand, Router } from '@angular/router';
import { Auth } from './auth';
import type { Permission } from './current-user';

/**
 * Guards a route with a permission. An anonymous visitor is sent to sign in and brought back
 * here; a signed-in user without the permission sees the "no access" page at the address they
 * asked for (no redirect, so no loop, and reloading asks again).
 */
export function requirePermission(permission: Permission): CanActivateFn {
  return (_route, state) => {
    const auth = inject(Auth);
    if (!auth.signedIn()) {
      auth.signIn(state.url);
      return false;
    }
    if (auth.can(permission)) return true;
    const router = inject(Router);
    return new RedirectCommand(router.parseUrl('/forbidden'), { browserUrl: state.url });
  };
}
