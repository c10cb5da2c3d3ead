import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatAnchor } from '@angular/material/button';
import { RouterLink } from '@angular/router';

/**
 * A page the app shows instead of the one asked for (403, 404): the status, a heading, what
 * happened in words (the projected content) and the way back home.
 */
@Component({
  selector: 'app-error-page',
  imports: [MatAnchor, RouterLink],
  template: `
    <section aria-labelledby="error-page-title">
      <p class="code">{{ status() }}</p>
      <h1 id="error-page-title">{{ heading() }}</h1>
      <p><ng-content /></p>
      <a mat-flat-button routerLink="/">Go to the home page</a>
    </section>
  `,
  styles: `
    @use '../../styles/page';

    @include page.error-page(section);
    .code {
      margin: 0;
      color: var(--mat-sys-primary);
      font: var(--mat-sys-display-medium);
      font-weight: 700;
    }
    h1 {
      margin: 0.25rem 0 0.75rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ErrorPage {
  readonly status = input.required<number>();
  readonly heading = input.required<string>();
}
