import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/**
 * Full-page navigation, for the places where the app hands the browser to the server (sign-in,
 * sign-out, the OpenID provider's redirects). An injection token so tests can observe where the
 * app would go instead of leaving the test page.
 */
export interface PageNavigation {
  /** Loads `url` as a new document, like `window.location.assign`. */
  assign(url: string): void;
}

export const PAGE_NAVIGATION = new InjectionToken<PageNavigation>('PAGE_NAVIGATION', {
  providedIn: 'root',
  factory: () => {
    const location = inject(DOCUMENT).location;
    return {
      assign: (url) => {
        location.assign(url);
      },
    };
  },
});
