import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatTab, MatTabGroup } from '@angular/material/tabs';
import { ApiError } from '../core/http/api-error';
import { Notifier } from '../core/notifier';
import { PAGE_NAVIGATION } from '../core/page-navigation';
import { titlePageAfter } from '../core/page-title-strategy';
import type { InteractionDetails } from './interaction-api';
import { InteractionApi, isExpiredInteraction } from './interaction-api';
import { SignInForm } from './sign-in-form';
import { SignUpForm } from './sign-up-form';

type PageState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly details: InteractionDetails }
  | { readonly status: 'expired'; readonly details?: InteractionDetails }
  | { readonly status: 'failed'; readonly message: string };

const SIGN_IN_TAB = 0;
const SIGN_UP_TAB = 1;

/**
 * The page the OpenID provider sends the browser to: sign in or create an account, then the
 * server sends the browser on to wherever sign-in started.
 */
@Component({
  selector: 'app-interaction',
  imports: [
    MatAnchor,
    MatButton,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    MatProgressBar,
    MatTab,
    MatTabGroup,
    SignInForm,
    SignUpForm,
  ],
  templateUrl: './interaction.html',
  styleUrl: './interaction.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Interaction {
  /** The provider's interaction id, from the route. */
  readonly uid = input.required<string>();

  private readonly api = inject(InteractionApi);
  private readonly navigation = inject(PAGE_NAVIGATION);
  private readonly notifier = inject(Notifier);

  protected readonly state = signal<PageState>({ status: 'loading' });
  protected readonly tab = signal(SIGN_IN_TAB);
  protected readonly signingUp = computed(() => this.tab() === SIGN_UP_TAB);
  protected readonly cancelling = signal(false);

  /** Starting again keeps the place the user was going to, and the form they were on. */
  protected readonly startAgainUrl = computed(() => {
    const state = this.state();
    const details = state.status === 'expired' ? state.details : undefined;
    const params = new URLSearchParams();
    if (this.signingUp()) params.set('signup', '1');
    if (details?.returnTo) params.set('returnTo', details.returnTo);
    const query = params.toString();
    return query ? `/bff/login?${query}` : '/bff/login';
  });

  constructor() {
    effect(() => {
      void this.load(this.uid());
    });
    titlePageAfter(() => {
      const status = this.state().status;
      return status === 'expired'
        ? 'Sign-in link expired'
        : status === 'failed'
          ? 'Sign-in unavailable'
          : this.signingUp()
            ? 'Create account'
            : 'Sign in';
    });
  }

  protected markExpired(): void {
    const state = this.state();
    this.state.set({
      status: 'expired',
      details: state.status === 'ready' ? state.details : undefined,
    });
  }

  protected async cancel(): Promise<void> {
    this.cancelling.set(true);
    try {
      const { redirectTo } = await this.api.abort(this.uid());
      this.navigation.assign(redirectTo);
    } catch (error) {
      this.cancelling.set(false);
      if (isExpiredInteraction(error)) this.markExpired();
      else this.notifier.error(error instanceof ApiError ? error.message : 'Cancelling failed.');
    }
  }

  private async load(uid: string): Promise<void> {
    this.state.set({ status: 'loading' });
    try {
      const details = await this.api.details(uid);
      this.tab.set(details.mode === 'signup' ? SIGN_UP_TAB : SIGN_IN_TAB);
      this.state.set({ status: 'ready', details });
    } catch (error) {
      if (isExpiredInteraction(error)) this.state.set({ status: 'expired' });
      else
        this.state.set({
          status: 'failed',
          message: error instanceof ApiError ? error.message : 'The sign-in page failed to load.',
        });
    }
  }
}
