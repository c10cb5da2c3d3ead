import { Location } from '@angular/common';
import { HttpXsrfTokenExtractor, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { BffUser } from '@assay/contracts';
import { Router, provideRouter } from '@angular/router';
import { PAGE_NAVIGATION } from '../page-navigation';
import { Auth } from './auth';
import { requirePermission } from './require-permission';

@Component({ selector: 'app-authoring-page', template: 'authoring' })
class AuthoringPage {}

@Component({ selector: 'app-no-access-page', template: 'no access' })
class NoAccessPage {}

describe('requirePermission', () => {
  const assign = vi.fn<(url: string) => void>();

  async function signedInAs(user: BffUser | null): Promise<Router> {
    assign.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          {
            path: 'authoring/:id',
            canActivate: [requirePermission('manage:exams')],
            component: AuthoringPage,
          },
          { path: 'forbidden', component: NoAccessPage },
        ]),
        { provide: PAGE_NAVIGATION, useValue: { assign } },
        { provide: HttpXsrfTokenExtractor, useValue: { getToken: () => (user ? 'x' : null) } },
      ],
    });
    const loading = TestBed.inject(Auth).load();
    if (user) TestBed.inject(HttpTestingController).expectOne('/bff/user').flush(user);
    await loading;
    return TestBed.inject(Router);
  }

  const user = (permissions: string[]): BffUser => ({
    subject: 's',
    displayName: 'Grace',
    roles: [],
    permissions,
  });

  it('lets a user with the permission in', async () => {
    const router = await signedInAs(user(['take:exams', 'manage:exams']));

    expect(await router.navigateByUrl('/authoring/42')).toBe(true);
    expect(router.url).toBe('/authoring/42');
  });

  it('sends an anonymous visitor to sign in, coming back to the same page', async () => {
    const router = await signedInAs(null);

    expect(await router.navigateByUrl('/authoring/42?tab=questions')).toBe(false);
    expect(assign).toHaveBeenCalledExactlyOnceWith(
      `/bff/login?returnTo=${encodeURIComponent('/authoring/42?tab=questions')}`,
    );
  });

  it('shows "no access" at the same address to a user without the permission', async () => {
    const router = await signedInAs(user(['take:exams']));

    await router.navigateByUrl('/authoring/42');

    expect(assign).not.toHaveBeenCalled();
    expect(router.routerState.snapshot.root.firstChild?.routeConfig?.path).toBe('forbidden');
    expect(TestBed.inject(Location).path()).toBe('/authoring/42');
  });
});
