import { HttpClient, HttpXsrfTokenExtractor } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { ApiError } from '../http/api-error';
import { Notifier } from '../notifier';
import { PAGE_NAVIGATION } from '../page-navigation';
import type { CurrentUser, Permission } from './current-user';
import { SignedInStorage } from './signed-in-storage';

/**
 * Who is signed in. The session lives on the server (backend-for-frontend): the browser holds only
 * an HttpOnly cookie, so the app asks `/bff/user` once at startup and signs in and out by handing
 * the whole page to the server.
 */
@Injectable({ providedIn: 'root' })
export class Auth {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly navigation = inject(PAGE_NAVIGATION);
  private readonly notifier = inject(Notifier);
  private readonly xsrfToken = inject(HttpXsrfTokenExtractor);
  private readonly signedInStorage = inject(SignedInStorage);

  private readonly currentUser = signal<CurrentUser | null>(null);
  private readonly expired = signal(false);

  /** The signed-in user, or `null` for an anonymous visitor. */
  readonly user = this.currentUser.asReadonly();
  readonly signedIn = computed(() => this.currentUser() !== null);
  /** Someone was signed in on this page until the server said the session had ended. */
  readonly sessionExpired = this.expired.asReadonly();
  readonly permissions = computed<ReadonlySet<string>>(
    () => new Set(this.currentUser()?.permissions ?? []),
  );

  /** Whether the signed-in user holds `permission`. The server still checks every request. */
  can(permission: Permission): boolean {
    return this.permissions().has(permission);
  }

  /** Asks the server who is signed in. Nobody (401), or no answer at all, means anonymous. */
  async load(): Promise<void> {
    // The server sets the XSRF-TOKEN cookie together with the session cookie and clears both
    // together, so without it nobody is signed in: skip the request, whose 401 every anonymous
    // page view would otherwise log to the browser console.
    if (this.xsrfToken.getToken() === null) {
      this.currentUser.set(null);
      return;
    }
    try {
      this.currentUser.set(await firstValueFrom(this.http.get<CurrentUser>('/bff/user')));
    } catch (error) {
      this.currentUser.set(null);
      if (!(error instanceof ApiError) || error.status !== 401) {
        this.notifier.error('Assay could not check whether you are signed in. Reload to retry.');
      }
    }
  }

  /** Starts sign-in; the server brings the browser back to `returnTo` afterwards. */
  signIn(returnTo: string = this.router.url): void {
    this.navigation.assign(`/bff/login?returnTo=${encodeURIComponent(placeToReturnTo(returnTo))}`);
  }

  /**
   * Starts sign-in on the "Create account" form. A new account from the home page lands on the
   * exams, which is what it was made for; from anywhere else, back where it started.
   */
  signUp(returnTo: string = this.router.url): void {
    const place = placeToReturnTo(returnTo);
    const landing = new URL(place, 'http://localhost').pathname === '/' ? '/exams' : place;
    this.navigation.assign(`/bff/login?signup=1&returnTo=${encodeURIComponent(landing)}`);
  }

  /**
   * Ends the session on the server, forgets what this browser kept for the user (answers not yet
   * saved, on a computer others may use next), then lets the server finish the provider's logout.
   * If the server could not end the session, the user is still signed in and keeps it all.
   */
  async signOut(): Promise<void> {
    try {
      const { redirectTo } = await firstValueFrom(
        this.http.post<{ redirectTo: string }>('/bff/logout', {}),
      );
      this.signedInStorage.wipe();
      // The toolbar keeps the name until the page goes: a "Sign in" button shown meanwhile
      // would start a sign-in in the middle of the provider's logout.
      this.navigation.assign(redirectTo);
    } catch (error) {
      this.notifier.error(
        error instanceof ApiError
          ? `Signing out failed: ${error.message}`
          : 'Signing out failed. Try again.',
      );
    }
  }

  /** Forgets the user after the server said the session is gone (a 401 on an API call). */
  sessionEnded(): void {
    if (this.currentUser() !== null) this.expired.set(true);
    this.currentUser.set(null);
  }
}

/** The sign-in pages themselves are no place to come back to. */
function placeToReturnTo(url: string): string {
  return url.startsWith('/') && !url.startsWith('/interaction/') ? url : '/';
}
