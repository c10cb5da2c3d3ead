import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import type { ErrorCode } from '@assay/contracts';
import { createEachWithApi } from '../../testing/create-with-api';
import { inputLabelled } from '../../testing/harnesses';
import { flushProblem } from '../../testing/problems';
import { settle } from '../../testing/settle';
import { SignUpForm } from './sign-up-form';

describe('The sign-up form', () => {
  const form = createEachWithApi(SignUpForm, { inputs: { uid: 'uid-2' } });

  beforeEach(() => form.fixture.whenStable());

  const loader = () => TestbedHarnessEnvironment.loader(form.fixture);
  const field = (label: string) =>
    loader().getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const input = (label: string) => inputLabelled(loader(), label);
  const errorsOn = async (label: string) => (await field(label)).getTextErrors();

  const account = {
    username: 'ada',
    email: 'ada@example.org',
    displayName: 'Ada Lovelace',
    password: 'analytical engine notes',
  };

  async function fillAndSubmit(): Promise<void> {
    await (await input('Username')).setValue(account.username);
    await (await input('Email')).setValue(account.email);
    await (await input('Display name')).setValue(account.displayName);
    await (await input('Password')).setValue(account.password);
    await (await loader().getHarness(MatButtonHarness.with({ text: 'Create account' }))).click();
  }

  /** Checks the account sent, answers with the problem for `code`, and lets the form show it. */
  async function refuse(code: ErrorCode, members: Record<string, unknown>): Promise<void> {
    const request = form.http.expectOne('/interaction/uid-2/signup');
    expect(request.request.body).toEqual(account);
    flushProblem(request, code, members);
    await settle(form.fixture);
  }

  it('labels its fields for password managers and explains the password rule', async () => {
    const autocomplete = async (label: string) =>
      (await (await input(label)).host()).getAttribute('autocomplete');
    expect(await autocomplete('Username')).toBe('username');
    expect(await autocomplete('Email')).toBe('email');
    expect(await autocomplete('Display name')).toBe('name');
    expect(await autocomplete('Password')).toBe('new-password');
    expect(await (await field('Password')).getTextHints()).toEqual([
      'At least 8 characters. Long passphrases are welcome.',
    ]);
  });

  it('shows and hides the password', async () => {
    const password = await input('Password');
    const toggle = await loader().getHarness(MatButtonHarness.with({ selector: '[aria-pressed]' }));
    expect(await (await toggle.host()).getAttribute('aria-label')).toBe('Show password');

    await toggle.click();
    expect(await password.getType()).toBe('text');
    expect(await (await toggle.host()).getAttribute('aria-pressed')).toBe('true');

    await toggle.click();
    expect(await password.getType()).toBe('password');
  });

  it('creates the account and follows redirectTo', async () => {
    await fillAndSubmit();
    const request = form.http.expectOne('/interaction/uid-2/signup');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual(account);

    request.flush({ redirectTo: '/oidc/auth/uid-2' });
    await form.fixture.whenStable();

    expect(form.assign).toHaveBeenCalledExactlyOnceWith('/oidc/auth/uid-2');
  });

  it('puts the field errors of a 400 on the fields they name', async () => {
    await fillAndSubmit();
    await refuse('validation_failed', {
      detail: 'The body is invalid.',
      errors: [
        { field: '/password', message: 'This password is too common; choose another one' },
        { field: '/email', message: 'must be an email address' },
      ],
    });

    expect(await errorsOn('Password')).toEqual([
      'This password is too common; choose another one.',
    ]);
    expect(await errorsOn('Email')).toEqual(['Must be an email address.']);
    expect(await errorsOn('Username')).toEqual([]);
    expect(await errorsOn('Display name')).toEqual([]);
    expect(form.assign).not.toHaveBeenCalled();

    // Editing the field clears the server's complaint about it.
    await (await input('Password')).setValue('a much less common passphrase');
    expect(await errorsOn('Password')).toEqual([]);
    expect(await errorsOn('Email')).toEqual(['Must be an email address.']);
  });

  it('puts a 409 username_taken on the username', async () => {
    await fillAndSubmit();
    await refuse('username_taken', { detail: 'The username is taken.' });

    expect(await errorsOn('Username')).toEqual(['This username is taken. Choose another one.']);
    expect(await errorsOn('Email')).toEqual([]);
    await vi.waitFor(async () => {
      expect(await (await input('Username')).isFocused()).toBe(true);
    });
  });

  it('puts a 409 email_taken on the email', async () => {
    await fillAndSubmit();
    await refuse('email_taken', { detail: 'Taken.' });

    expect(await errorsOn('Email')).toEqual([
      'An account with this email already exists. Sign in instead.',
    ]);
    expect(await errorsOn('Username')).toEqual([]);
  });

  it('checks the password length before sending', async () => {
    await (await input('Password')).setValue('short');
    await (await input('Password')).blur();

    expect(await errorsOn('Password')).toEqual(['Use at least 8 characters.']);
  });
});
