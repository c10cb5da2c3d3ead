import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import type { FieldTree, ValidationError } from '@angular/forms/signals';
import {
  FormField,
  FormRoot,
  email,
  form,
  maxLength,
  minLength,
  required,
} from '@angular/forms/signals';
import { MatButton } from '@angular/material/button';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { ApiError } from '../core/http/api-error';
import { formSubmission } from './form-submission';
import { FormStatus } from './form-status';
import type { SignUpRequest } from './interaction-api';
import { InteractionApi } from './interaction-api';
import { PasswordField } from './password-field';

type SignUpField = keyof SignUpRequest;

// The same bounds as the contracts' PASSWORD_MIN_LENGTH / PASSWORD_MAX_LENGTH; importing values
// from @assay/contracts would bundle its TypeBox schemas into the page for two numbers.
const PASSWORD_MIN_LENGTH = 8;
const PASSWORD_MAX_LENGTH = 128;

/** Creates an account (username, email, display name, password) for one provider interaction. */
@Component({
  selector: 'app-sign-up-form',
  imports: [
    FormField,
    FormRoot,
    FormStatus,
    MatButton,
    MatError,
    MatFormField,
    MatHint,
    MatInput,
    MatLabel,
    PasswordField,
  ],
  templateUrl: './sign-up-form.html',
  styleUrl: './interaction-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignUpForm {
  readonly uid = input.required<string>();
  /** The interaction is gone; the page offers to start again. */
  readonly expired = output();

  private readonly api = inject(InteractionApi);
  protected readonly submission = formSubmission(this.expired);

  protected readonly account = signal<SignUpRequest>({
    username: '',
    email: '',
    displayName: '',
    password: '',
  });
  protected readonly form = form(
    this.account,
    (path) => {
      required(path.username, { message: 'Choose a username.' });
      required(path.email, { message: 'Enter your email address.' });
      email(path.email, { message: 'Enter an email address like name@example.org.' });
      required(path.displayName, { message: 'Enter the name others will see.' });
      required(path.password, { message: 'Choose a password.' });
      minLength(path.password, PASSWORD_MIN_LENGTH, {
        message: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
      });
      maxLength(path.password, PASSWORD_MAX_LENGTH, {
        message: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
      });
    },
    {
      submission: {
        action: () => this.signUp(),
        onInvalid: () => {
          this.focusFirstInvalidField();
        },
      },
    },
  );
  protected readonly passwordHint = `At least ${PASSWORD_MIN_LENGTH} characters. Long passphrases are welcome.`;
  protected readonly busy = computed(() => this.form().submitting() || this.submission.leaving());

  private async signUp(): Promise<ValidationError.WithFieldTree[] | undefined> {
    if (!this.submission.begin()) return undefined;
    try {
      const { redirectTo } = await this.api.signUp(this.uid(), this.account());
      this.submission.leave(redirectTo);
      return undefined;
    } catch (error) {
      const fieldErrors = this.showFailure(error);
      if (fieldErrors.length > 0) {
        // After the submission errors land on their fields, take the user to the first one.
        setTimeout(() => {
          this.focusFirstInvalidField();
        });
      }
      return fieldErrors;
    }
  }

  /** Shows what went wrong; returns the errors that belong on a field. */
  private showFailure(error: unknown): ValidationError.WithFieldTree[] {
    if (this.submission.handled(error)) return [];
    if (!(error instanceof ApiError)) {
      this.submission.showProblem('Creating your account failed. Try again.');
      return [];
    }
    switch (error.code) {
      case 'username_taken':
        return [this.serverError('username', 'This username is taken. Choose another one.')];
      case 'email_taken':
        return [
          this.serverError('email', 'An account with this email already exists. Sign in instead.'),
        ];
      case 'validation_failed': {
        const onFields: ValidationError.WithFieldTree[] = [];
        const elsewhere: string[] = [];
        for (const { field, message } of error.fieldErrors) {
          const name = field.replace(/^\//, '');
          if (isSignUpField(name)) onFields.push(this.serverError(name, sentence(message)));
          else elsewhere.push(sentence(message));
        }
        if (elsewhere.length > 0 || onFields.length === 0) {
          this.submission.showProblem(elsewhere.length > 0 ? elsewhere.join(' ') : error.message);
        }
        return onFields;
      }
      default:
        this.submission.showProblem(error.message);
        return [];
    }
  }

  private serverError(field: SignUpField, message: string): ValidationError.WithFieldTree {
    return { kind: 'server', fieldTree: this.fieldTree(field), message };
  }

  private fieldTree(field: SignUpField): FieldTree<string> {
    return this.form[field];
  }

  private focusFirstInvalidField(): void {
    const fields: SignUpField[] = ['username', 'email', 'displayName', 'password'];
    const first = fields.find((field) => this.form[field]().invalid());
    if (first) this.form[first]().focusBoundControl();
  }
}

function isSignUpField(name: string): name is SignUpField {
  return name === 'username' || name === 'email' || name === 'displayName' || name === 'password';
}

/** Server messages may start in lower case ("must be at least 8 characters"). */
function sentence(message: string): string {
  const trimmed = message.trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
