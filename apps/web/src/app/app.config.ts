import { provideHttpClient, withInterceptors } from '@angular/common/http';
import type { ApplicationConfig } from '@angular/core';
import { inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import {
  provideRouter,
  TitleStrategy,
  withComponentInputBinding,
  withInMemoryScrolling,
} from '@angular/router';
import { routes } from './app.routes';
import { Auth } from './core/auth/auth';
import { problemInterceptor } from './core/http/problem-interceptor';
import { PageTitleStrategy } from './core/page-title-strategy';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(
      routes,
      withInMemoryScrolling({ scrollPositionRestoration: 'enabled' }),
      withComponentInputBinding(),
    ),
    { provide: TitleStrategy, useClass: PageTitleStrategy },
    // Fetch is the default backend since Angular 22 (`withFetch` is deprecated). The default XSRF
    // handling (XSRF-TOKEN cookie → X-XSRF-TOKEN header) is what the server's session CSRF check
    // expects.
    provideHttpClient(withInterceptors([problemInterceptor])),
    // Knowing who is signed in before the first route renders keeps guards synchronous and the
    // toolbar from flickering between "Sign in" and the user's name.
    provideAppInitializer(() => inject(Auth).load()),
  ],
};
