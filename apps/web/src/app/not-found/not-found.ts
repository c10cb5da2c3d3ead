import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatAnchor } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';

@Component({
  selector: 'app-not-found',
  imports: [MatAnchor, RouterLink],
  template: `
    <section class="not-found" aria-labelledby="not-found-title">
      <p class="code">404</p>
      <h1 id="not-found-title">Page not found</h1>
      <p>
        There is no page at <code>{{ path }}</code>. It may have moved, or the link may be mistyped.
      </p>
      <a mat-flat-button routerLink="/">Go to the home page</a>
    </section>
  `,
  styles: `
    .not-found {
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
