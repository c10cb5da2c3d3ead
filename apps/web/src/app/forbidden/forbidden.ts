import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Auth } from '../core/auth/auth';
import { nameToShow } from '../core/auth/current-user';
import { ErrorPage } from '../shared/error-page';

@Component({
  selector: 'app-forbidden',
  imports: [ErrorPage],
  template: `
    <app-error-page [status]="403" heading="You don't have access to this page">
      @if (auth.user(); as user) {
        You are signed in as <strong>{{ nameToShow(user) }}</strong>, and this page needs a role
        your account does not have.
      } @else {
        This page is only for signed-in users with the right role.
      }
      If you think you should have access, ask an administrator of this Assay site.
    </app-error-page>
  `,
  styles: `
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
