import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { problemInterceptor } from '../core/http/problem-interceptor';
import { PAGE_NAVIGATION } from '../core/page-navigation';
import { SignInForm } from './sign-in-form';

describe('The sign-in form', () => {
  let fixture: ComponentFixture<SignInForm>;
  let httpTesting: HttpTestingController;
  const assign = vi.fn<(url: string) => void>();

  beforeEach(async () => {
    assign.mockReset();
    TestBed.configureTestingModule({
      imports: [SignInForm],
      providers: [
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: PAGE_NAVIGATION, useValue: { assign } },
      ],
    });
    fixture = TestBed.createComponent(SignInForm);
    fixture.componentRef.setInput('uid', 'uid-1');
    httpTesting = TestBed.inject(HttpTestingController);
    await fixture.whenStable();
  });

  afterEach(() => {
    httpTesting.verify();
  });

  const loader = () => TestbedHarnessEnvironment.loader(fixture);
  const input = (label: string) =>
    loader()
      .getHarness(MatFormFieldHarness.with({ floatingLabelText: label }))
      .then(async (field) => (await field.getControl(MatInputHarness)) as MatInputHarness);
  const submitButton = () => loader().getHarness(MatButtonHarness.with({ text: /^Sign(ing)? in/ }));
  const text = () => (fixture.nativeElement as HTMLElement).textContent;

  async function fillAndSubmit(login: string, password: string): Promise<void> {
    await (await input('Username or email')).setValue(login);
    await (await input('Password')).setValue(password);
    await (await submitButton()).click();
  }

  /** Lets the rejected request's promise chain run, then renders. */
  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  function problem(status: number, body: Record<string, unknown>) {
    return { body: { type: `urn:assay:problem:${String(body['code'])}`, status, ...body }, status };
  }

  it('labels its fields for password managers', async () => {
    const login = await input('Username or email');
    expect(await (await login.host()).getAttribute('autocomplete')).toBe('username');
    const password = await input('Password');
    expect(await password.getType()).toBe('password');
    expect(await (await password.host()).getAttribute('autocomplete')).toBe('current-password');
  });

  it('posts {login, password}, disables itself while waiting, then follows redirectTo', async () => {
    await fillAndSubmit('ada@example.org', 'correct horse battery staple');

    const request = httpTesting.expectOne('/interaction/uid-1/login');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({
      login: 'ada@example.org',
      password: 'correct horse battery staple',
    });
    await fixture.whenStable();
    expect(await (await submitButton()).isDisabled()).toBe(true);
    expect(await (await submitButton()).getText()).toBe('Signing in…');

    request.flush({ redirectTo: '/oidc/auth/uid-1' });
    await fixture.whenStable();

    expect(assign).toHaveBeenCalledExactlyOnceWith('/oidc/auth/uid-1');
    expect(await (await submitButton()).isDisabled()).toBe(true);
  });

  it('says "Wrong username/email or password" for invalid_credentials', async () => {
    await fillAndSubmit('ada', 'not my password');

    const { body, status } = problem(401, {
      code: 'invalid_credentials',
      title: 'The username, email or password is incorrect',
      detail: 'The username, email or password is incorrect.',
    });
    httpTesting.expectOne('/interaction/uid-1/login').flush(body, { status, statusText: 'x' });
    await settle();

    expect(text()).toContain('Wrong username/email or password.');
    expect(assign).not.toHaveBeenCalled();
    expect(await (await submitButton()).isDisabled()).toBe(false);
  });

  it('counts down a rate limit and keeps the submit button disabled until it is over', async () => {
    await fillAndSubmit('ada', 'guess number six');

    const { body, status } = problem(429, {
      code: 'rate_limited',
      title: 'Too many requests',
      detail: 'Too many sign-in attempts.',
      retryAfter: 2,
    });
    httpTesting.expectOne('/interaction/uid-1/login').flush(body, { status, statusText: 'x' });
    await settle();

    expect(text()).toContain('Too many attempts. Try again in 2 s.');
    expect(await (await submitButton()).isDisabled()).toBe(true);

    await vi.waitFor(
      () => {
        expect(text()).toContain('Try again in 1 s.');
      },
      { timeout: 2000 },
    );
    expect(await (await submitButton()).isDisabled()).toBe(true);

    await vi.waitFor(
      async () => {
        expect(await (await submitButton()).isDisabled()).toBe(false);
      },
      { timeout: 3000 },
    );
    expect(text()).not.toContain('Too many attempts');
  });

  it('asks for both fields before sending anything', async () => {
    await (await submitButton()).click();

    httpTesting.expectNone('/interaction/uid-1/login');
    const field = await loader().getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Username or email' }),
    );
    expect(await field.getTextErrors()).toEqual(['Enter your username or email.']);
  });
});
