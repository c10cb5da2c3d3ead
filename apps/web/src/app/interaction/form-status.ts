import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatProgressBar } from '@angular/material/progress-bar';
import type { formSubmission } from './form-submission';

/** The top of the sign-in and sign-up forms: a bar while it is sent, and what went wrong. */
@Component({
  selector: 'app-form-status',
  imports: [MatProgressBar],
  template: `
    @if (busy()) {
      <mat-progress-bar mode="indeterminate" [attr.aria-label]="busyLabel()" class="pending" />
    }
    @if (submission().rateLimit.active()) {
      <p class="form-problem">
        Too many attempts. Try again in {{ submission().rateLimit.secondsLeft() }} s.
      </p>
    } @else if (submission().problem(); as message) {
      <p class="form-problem">{{ message }}</p>
    }
  `,
  styles: `
    // Its parts take their places in the form's own layout.
    :host {
      display: contents;
    }
    .pending {
      position: absolute;
      inset-block-start: 0;
      inset-inline: 0;
    }
    .form-problem {
      margin: 0 0 1rem;
      padding: 0.75rem 1rem;
      border-radius: var(--mat-sys-corner-small);
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
      font: var(--mat-sys-body-medium);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FormStatus {
  readonly submission = input.required<ReturnType<typeof formSubmission>>();
  readonly busy = input.required<boolean>();
  /** What the bar says to a screen reader, e.g. "Signing in". */
  readonly busyLabel = input.required<string>();
}
