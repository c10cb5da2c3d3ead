import { ChangeDetectionStrategy, Component, model } from '@angular/core';
import { MatIconButton } from '@angular/material/button';

/** The eye button at the end of a password field: shows or hides what was typed. */
@Component({
  selector: 'app-password-visibility-toggle',
  imports: [MatIconButton],
  template: `
    <button
      mat-icon-button
      type="button"
      aria-label="Show password"
      [attr.aria-pressed]="shown()"
      (click)="shown.set(!shown())"
    >
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z" />
        <circle cx="12" cy="12" r="3" />
        @if (shown()) {
          <path d="M4 4l16 16" />
        }
      </svg>
    </button>
  `,
  styles: `
    :host {
      display: inline-block;
      margin-inline-end: 0.25rem;
    }
    svg {
      inline-size: 1.375rem;
      block-size: 1.375rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 1.8;
      stroke-linecap: round;
      stroke-linejoin: round;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordVisibilityToggle {
  readonly shown = model(false);
}
