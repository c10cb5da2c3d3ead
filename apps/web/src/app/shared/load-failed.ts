import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButton } from '@angular/material/button';

let nextId = 0;

/**
 * What a page shows in place of what it could not load: a heading, the reason, "Try again", and
 * any further way on (the projected links).
 */
@Component({
  selector: 'app-load-failed',
  imports: [MatButton],
  template: `
    <section [attr.aria-labelledby]="headingId">
      <h1 [id]="headingId">{{ heading() }}</h1>
      <p>{{ message() }}</p>
      <div class="actions">
        <button mat-flat-button type="button" (click)="retry.emit()">Try again</button>
        <ng-content />
      </div>
    </section>
  `,
  styles: `
    @use '../../styles/page';

    @include page.base;

    section {
      @include page.message;
    }

    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadFailed {
  readonly heading = input.required<string>();
  readonly message = input.required<string>();
  readonly retry = output();

  protected readonly headingId = `load-failed-title-${nextId++}`;
}
