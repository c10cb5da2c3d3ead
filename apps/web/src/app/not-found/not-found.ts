import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router } from '@angular/router';
import { ErrorPage } from '../shared/error-page';

@Component({
  selector: 'app-not-found',
  imports: [ErrorPage],
  template: `
    <app-error-page [status]="404" heading="Page not found">
      There is no page at <code>{{ path }}</code>. It may have moved, or the link may be mistyped.
    </app-error-page>
  `,
  styles: `
    code {
      overflow-wrap: anywhere;
      color: var(--mat-sys-on-surface);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFound {
  protected readonly path = inject(Router).url;
}
