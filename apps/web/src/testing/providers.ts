import { HttpXsrfTokenExtractor, provideHttpClient, withInterceptors } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import type { EnvironmentProviders, Provider } from '@angular/core';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { ActivatedRoute, convertToParamMap } from '@angular/router';
import { problemInterceptor } from '../app/core/http/problem-interceptor';
import { PAGE_NAVIGATION } from '../app/core/page-navigation';

/**
 * The app's HTTP client, problem interceptor included, against Angular's testing backend, and a
 * page navigation that records where the app would send the browser (`assign`) instead of going.
 */
export function provideApiTesting(
  assign: (url: string) => void = vi.fn(),
): (Provider | EnvironmentProviders)[] {
  return [
    provideHttpClient(withInterceptors([problemInterceptor])),
    provideHttpClientTesting(),
    { provide: PAGE_NAVIGATION, useValue: { assign } },
  ];
}

/** Material without its animations, so a dialog or snack bar is there (or gone) at once. */
export const noAnimations: Provider = {
  provide: MATERIAL_ANIMATIONS,
  useValue: { animationsDisabled: true },
};

/** The route a component reads its path parameters from, for a component made without a router. */
export function provideRouteParams(params: Record<string, string>): Provider {
  return {
    provide: ActivatedRoute,
    useValue: { snapshot: { paramMap: convertToParamMap(params) } },
  };
}

/**
 * Whether the browser holds the session's XSRF-TOKEN cookie: without it the app knows nobody is
 * signed in and does not ask `/bff/user`.
 */
export function provideSessionCookie(present: boolean): Provider {
  return {
    provide: HttpXsrfTokenExtractor,
    useValue: { getToken: () => (present ? 'xsrf' : null) },
  };
}
