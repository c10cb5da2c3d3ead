import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatAnchor } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { Auth } from '../core/auth/auth';
import { nameToShow } from '../core/auth/current-user';

@Component({
  selector: 'app-forbidden',
  imports: [MatAnchor, RouterLink],
  template: `
    <section class="forbidden" aria-labelledby="forbidden-title">
      <p class="code">403</p>
      <h1 id="forbidden-title">You don't have access to this page</h1>
      <p>
        @if (auth.user(); as user) {
          You are signed in as <strong>{{ nameToShow(user) }}</strong>, and this page needs a role
          your account does not have.
        } @else {
          This page is only for signed-in users with the right role.
        }
        If you think you should have access, ask an administrator of this Assay site.
      </p>
      <a mat-flat-button routerLink="/">Go to the home page</a>
    </section>
  `,
  styles: `
    .forbidden {
      max-inline-size: 36rem;
      padding-block: clamp(1rem, 6vw, 4rem);
    }
    .code {
      margin: 0;
      color: var(--mat-sys-primary);
      font: var(--mat-sys-display-medium);
      font-weight: 700;
    }
    h1 {
      margin: 0.25rem 0 0.75rem;
      font: var(--mat-sys-headline-medium);
      font-weight: 600;
    }
    p {
      margin: 0 0 1.5rem;
      color: var(--mat-sys-on-surface-variant);
      line-height: 1.6;
    }
    strong {
      color: var(--mat-sys-on-surface);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Forbidden {
  protected readonly auth = inject(Auth);
  protected readonly nameToShow = nameToShow;
}
