import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import type { ErrorCode } from '@assay/contracts';
import { createEachWithApi } from '../../testing/create-with-api';
import { inputLabelled } from '../../testing/harnesses';
import { flushProblem } from '../../testing/problems';
import { settle } from '../../testing/settle';
import { SignInForm } from './sign-in-form';

describe('The sign-in form', () => {
  const form = createEachWithApi(SignInForm, { inputs: { uid: 'uid-1' } });

  beforeEach(() => form.fixture.whenStable());

  const loader = () => TestbedHarnessEnvironment.loader(form.fixture);
  const input = (label: string) => inputLabelled(loader(), label);
  const submitButton = () => loader().getHarness(MatButtonHarness.with({ text: /^Sign(ing)? in/ }));
  const text = () => (form.fixture.nativeElement as HTMLElement).textContent;

  async function fillAndSubmit(login: string, password: string): Promise<void> {
    await (await input('Username or email')).setValue(login);
    await (await input('Password')).setValue(password);
    await (await submitButton()).click();
  }

  /** Answers the sign-in with the problem for `code`, and lets the form show it. */
  async function refuse(code: ErrorCode, members: Record<string, unknown>): Promise<void> {
    flushProblem(form.http.expectOne('/interaction/uid-1/login'), code, members);
    await settle(form.fixture);
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

    const request = form.http.expectOne('/interaction/uid-1/login');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({
      login: 'ada@example.org',
      password: 'correct horse battery staple',
    });
    await form.fixture.whenStable();
    expect(await (await submitButton()).isDisabled()).toBe(true);
    expect(await (await submitButton()).getText()).toBe('Signing in…');

    request.flush({ redirectTo: '/oidc/auth/uid-1' });
    await form.fixture.whenStable();

    expect(form.assign).toHaveBeenCalledExactlyOnceWith('/oidc/auth/uid-1');
    expect(await (await submitButton()).isDisabled()).toBe(true);
  });

  it('says "Wrong username/email or password" for invalid_credentials', async () => {
    await fillAndSubmit('ada', 'not my password');

    await refuse('invalid_credentials', {
      detail: 'The username, email or password is incorrect.',
    });

    expect(text()).toContain('Wrong username/email or password.');
    expect(form.assign).not.toHaveBeenCalled();
    expect(await (await submitButton()).isDisabled()).toBe(false);
  });

  it('counts down a rate limit and keeps the submit button disabled until it is over', async () => {
    await fillAndSubmit('ada', 'guess number six');

    await refuse('rate_limited', { detail: 'Too many sign-in attempts.', retryAfter: 2 });

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

    form.http.expectNone('/interaction/uid-1/login');
    const field = await loader().getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Username or email' }),
    );
    expect(await field.getTextErrors()).toEqual(['Enter your username or email.']);
  });
});
