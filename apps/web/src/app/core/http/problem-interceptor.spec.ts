import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import {
  HttpClient,
  HttpXsrfTokenExtractor,
  provideHttpClient,
  withInterceptors,
} from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import type { BffUser } from '@assay/contracts';
import { Router, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { Auth } from '../auth/auth';
import { PAGE_NAVIGATION } from '../page-navigation';
import { ApiError } from './api-error';
import { problemInterceptor } from './problem-interceptor';

@Component({ selector: 'app-host', template: '' })
class Host {}

describe('problemInterceptor', () => {
  const assign = vi.fn<(url: string) => void>();
  let httpTesting: HttpTestingController;

  async function start(user: BffUser | null) {
    assign.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        provideRouter([{ path: '**', component: Host }]),
        { provide: PAGE_NAVIGATION, useValue: { assign } },
        { provide: HttpXsrfTokenExtractor, useValue: { getToken: () => (user ? 'x' : null) } },
      ],
    });
    httpTesting = TestBed.inject(HttpTestingController);
    const loading = TestBed.inject(Auth).load();
    if (user) httpTesting.expectOne('/bff/user').flush(user);
    await loading;
    await TestBed.inject(Router).navigateByUrl('/exams/7/take');
    const fixture = TestBed.createComponent(Host);
    return TestbedHarnessEnvironment.documentRootLoader(fixture);
  }

  /** Requests `url`, answers with a problem, and returns what the caller receives. */
  async function fail(url: string, status: number, code: string, extra: object = {}) {
    const result = firstValueFrom(TestBed.inject(HttpClient).get(url)).catch(
      (error: unknown) => error,
    );
    httpTesting.expectOne(url).flush(
      {
        type: `urn:assay:problem:${code}`,
        title: code,
        status,
        code,
        detail: `${code}.`,
        ...extra,
      },
      { status, statusText: 'x' },
    );
    return result;
  }

  const ada: BffUser = { subject: 's', displayName: 'Ada', roles: [], permissions: [] };

  it('turns a problem into an ApiError with its code, message and field errors', async () => {
    await start(null);

    const error = await fail('/api/exams', 400, 'validation_failed', {
      detail: 'The body is invalid.',
      errors: [{ field: '/title', message: 'must not be empty' }],
    });

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'The body is invalid.',
      fieldErrors: [{ field: '/title', message: 'must not be empty' }],
      notified: false,
    });
  });

  it('reads how long to wait from a 429', async () => {
    await start(null);

    const error = await fail('/interaction/u/login', 429, 'rate_limited', { retryAfter: 12.2 });

    expect(error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 13 });
  });

  it('says the session expired on an API 401 and offers to sign in again, coming back here', async () => {
    const loader = await start(ada);
    expect(TestBed.inject(Auth).signedIn()).toBe(true);

    const error = await fail('/api/attempts/1', 401, 'session_missing');

    expect(error).toMatchObject({ status: 401, notified: true });
    expect(TestBed.inject(Auth).signedIn()).toBe(false);
    const snackBar = await loader.getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toBe('Your session has expired — sign in again.');
    expect(await snackBar.getActionDescription()).toBe('Sign in');
    expect(await snackBar.getAriaLive()).toBe('polite');

    await snackBar.dismissWithAction();

    expect(assign).toHaveBeenCalledExactlyOnceWith(
      `/bff/login?returnTo=${encodeURIComponent('/exams/7/take')}`,
    );
  });

  it('says it once when the retries of a refused request keep failing after the session ended', async () => {
    const loader = await start(ada);

    await fail('/api/attempts/1/answers', 401, 'session_missing');
    await fail('/api/attempts/1/answers', 401, 'authorization_header_missing');
    await fail('/api/attempts/1/answers', 401, 'authorization_header_missing');

    const snackBars = await loader.getAllHarnesses(MatSnackBarHarness);
    expect(snackBars).toHaveLength(1);
    expect(await snackBars[0]!.getMessage()).toBe('Your session has expired — sign in again.');
  });

  it('says plainly when an API call is forbidden', async () => {
    const loader = await start(ada);

    await fail('/api/exams/9', 403, 'insufficient_permission');

    const snackBar = await loader.getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toBe("You don't have permission to do that.");
  });

  it('leaves the sign-in pages’ own 401s to them', async () => {
    const loader = await start(null);

    const error = await fail('/interaction/u/login', 401, 'invalid_credentials');

    expect(error).toMatchObject({ code: 'invalid_credentials', notified: false });
    expect(await loader.getAllHarnesses(MatSnackBarHarness)).toHaveLength(0);
  });
});
