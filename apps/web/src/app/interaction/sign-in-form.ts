import { LiveAnnouncer } from '@angular/cdk/a11y';
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
import { MatProgressBar } from '@angular/material/progress-bar';
import { ApiError } from '../core/http/api-error';
import { PAGE_NAVIGATION } from '../core/page-navigation';
import { InteractionApi, isExpiredInteraction } from './interaction-api';
import { PasswordField } from './password-field';
import { rateLimitCountdown } from './rate-limit';

/** Sign-in with username or email and password, for one provider interaction. */
@Component({
  selector: 'app-sign-in-form',
  imports: [
    FormField,
    FormRoot,
    MatButton,
    MatError,
    MatFormField,
    MatInput,
    MatLabel,
    MatProgressBar,
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
  private readonly navigation = inject(PAGE_NAVIGATION);
  private readonly announcer = inject(LiveAnnouncer);

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
  protected readonly rateLimit = rateLimitCountdown();
  /** A problem with the attempt as a whole (wrong credentials, server trouble). */
  protected readonly problem = signal<string | null>(null);
  /** Signed in: the browser is on its way to the provider, keep the form disabled. */
  private readonly leaving = signal(false);
  protected readonly busy = computed(() => this.form().submitting() || this.leaving());

  private async signIn(): Promise<undefined> {
    if (this.rateLimit.active()) return undefined;
    this.problem.set(null);
    try {
      const { redirectTo } = await this.api.signIn(this.uid(), this.credentials());
      this.leaving.set(true);
      this.navigation.assign(redirectTo);
    } catch (error) {
      this.showFailure(error);
    }
    return undefined;
  }

  private showFailure(error: unknown): void {
    if (isExpiredInteraction(error)) {
      this.expired.emit();
      return;
    }
    if (error instanceof ApiError && error.code === 'rate_limited') {
      const seconds = error.retryAfterSeconds ?? 60;
      this.rateLimit.start(seconds);
      this.announce(`Too many attempts. Try again in ${seconds} seconds.`);
      return;
    }
    const message =
      error instanceof ApiError && error.code === 'invalid_credentials'
        ? 'Wrong username/email or password.'
        : error instanceof ApiError
          ? error.message
          : 'Signing in failed. Try again.';
    this.problem.set(message);
    this.announce(message);
  }

  private announce(message: string): void {
    void this.announcer.announce(message, 'polite');
  }
}
