import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { FormField, FormRoot, form, required } from '@angular/forms/signals';
import { MatButton } from '@angular/material/button';
import { MatError, MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { ApiError } from '../core/http/api-error';
import { formSubmission } from './form-submission';
import { FormStatus } from './form-status';
import { InteractionApi } from './interaction-api';
import { PasswordField } from './password-field';

/** Sign-in with username or email and password, for one provider interaction. */
@Component({
  selector: 'app-sign-in-form',
  imports: [
    FormField,
    FormRoot,
    FormStatus,
    MatButton,
    MatError,
    MatFormField,
    MatInput,
    MatLabel,
    PasswordField,
  ],
  templateUrl: './sign-in-form.html',
  styleUrl: './interaction-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInForm {
  readonly uid = input.required<string>();
  /** The interaction is gone; the page offers to start again. */
  readonly expired = output();

  private readonly api = inject(InteractionApi);
  protected readonly submission = formSubmission(this.expired);

  protected readonly credentials = signal({ login: '', password: '' });
  protected readonly form = form(
    this.credentials,
    (path) => {
      required(path.login, { message: 'Enter your username or email.' });
      required(path.password, { message: 'Enter your password.' });
    },
    {
      submission: {
        action: () => this.signIn(),
        onInvalid: (field) => {
          (field.login().invalid() ? field.login : field.password)().focusBoundControl();
        },
      },
    },
  );
  protected readonly busy = computed(() => this.form().submitting() || this.submission.leaving());

  private async signIn(): Promise<undefined> {
    if (!this.submission.begin()) return undefined;
    try {
      const { redirectTo } = await this.api.signIn(this.uid(), this.credentials());
      this.submission.leave(redirectTo);
    } catch (error) {
      if (!this.submission.handled(error)) {
        this.submission.showProblem(
          error instanceof ApiError && error.code === 'invalid_credentials'
            ? 'Wrong username/email or password.'
            : error instanceof ApiError
              ? error.message
              : 'Signing in failed. Try again.',
        );
      }
    }
    return undefined;
  }
}
