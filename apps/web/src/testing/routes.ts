import { HttpTestingController } from '@angular/common/http/testing';
import type { EnvironmentProviders, Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Routes } from '@angular/router';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { provideApiTesting } from './providers';

/**
 * Configures the TestBed with `routes`, their parameters bound to component inputs as the app
 * binds them, the app's HTTP client against the testing backend (see `provideApiTesting`) and
 * `providers`; returns the backend.
 */
export function configureRoutesWithApi(
  routes: Routes,
  providers: (Provider | EnvironmentProviders)[] = [],
): HttpTestingController {
  TestBed.configureTestingModule({
    providers: [
      provideRouter(routes, withComponentInputBinding()),
      ...provideApiTesting(),
      ...providers,
    ],
  });
  return TestBed.inject(HttpTestingController);
}

/** Opens `url` in a router outlet, as following a link to it would. */
export async function navigateTo(url: string): Promise<RouterTestingHarness> {
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url);
  return harness;
}
