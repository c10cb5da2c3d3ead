import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { signInErrorReasons, type SignInErrorReason } from '@assay/contracts';
import { Auth } from '../core/auth/auth';

/** What each reason means to the person signing in, in plain words. */
const explanations: Readonly<Record<SignInErrorReason, { title: string; text: string }>> = {
  sign_in_expired: {
    title: 'Signing in took too long',
    text: 'The sign-in was started too long ago, or in another tab or browser. Start it again here.',
  },
  provider_error: {
    title: 'The sign-in service could not sign you in',
    text: 'The service that checks your account answered with an error instead of signing you in.',
  },
  token_exchange_failed: {
    title: 'Assay could not finish signing you in',
    text: 'Your account was checked, but Assay could not complete the sign-in with the sign-in service.',
  },
  token_refused: {
    title: 'Assay could not accept this sign-in',
    text: 'The sign-in service signed you in, but vouched for you in a way Assay does not accept.',
  },
  server_error: {
    title: 'Assay could not finish signing you in',
    text: 'Something went wrong on the Assay server while signing you in.',
  },
};

function isReason(value: string | undefined): value is SignInErrorReason {
  return (signInErrorReasons as readonly (string | undefined)[]).includes(value);
}

/**
 * Where the server sends the browser when signing in failed (`/bff/callback` →
 * `/sign-in-error?reason=…&requestId=…&returnTo=…`): what happened, a way to try again, and for
 * whoever runs the site, the request id that finds the cause in the server log.
 */
@Component({
  selector: 'app-sign-in-error',
  imports: [MatAnchor, MatButton, RouterLink],
  template: `
    <section class="sign-in-error" aria-labelledby="sign-in-error-title">
      <h1 id="sign-in-error-title">{{ explanation().title }}</h1>
      <p>{{ explanation().text }} You are not signed in.</p>
      <div class="actions">
        <button mat-flat-button type="button" (click)="tryAgain()">Try again</button>
        <a mat-button routerLink="/">Go to the home page</a>
      </div>
      @if (shownRequestId(); as id) {
        <p class="operators">
          If it keeps happening, tell whoever runs this Assay site. They find the cause in the
          server log under request id <code>{{ id }}</code>.
        </p>
      }
    </section>
  `,
  styles: `
    @use '../../styles/page';

    @include page.error-page('.sign-in-error');
    h1 {
      margin: 0 0 0.75rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      margin-block-end: 1.5rem;
    }
    code {
      color: var(--mat-sys-on-surface);
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInError {
  private readonly auth = inject(Auth);

  /** Query parameters, bound by the router. */
  readonly reason = input<string>();
  readonly requestId = input<string>();
  readonly returnTo = input<string>();

  protected readonly explanation = computed(() => {
    const reason = this.reason();
    return explanations[isReason(reason) ? reason : 'server_error'];
  });
  /** Only what looks like a request id (the server's are UUIDs or short tokens). */
  protected readonly shownRequestId = computed(() => {
    const id = this.requestId();
    return id !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(id) ? id : undefined;
  });

  protected tryAgain(): void {
    const returnTo = this.returnTo();
    this.auth.signIn(returnTo?.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/');
  }
}
