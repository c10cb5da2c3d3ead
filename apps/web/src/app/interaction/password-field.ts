import { ChangeDetectionStrategy, Component, input, signal } from '@angular/core';
import { FormField, type FieldTree } from '@angular/forms/signals';
import { MatError, MatFormField, MatHint, MatLabel, MatSuffix } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { PasswordVisibilityToggle } from './password-visibility-toggle';

/** The password field of the sign-in and sign-up forms, with its show/hide button. */
@Component({
  selector: 'app-password-field',
  imports: [
    FormField,
    MatError,
    MatFormField,
    MatHint,
    MatInput,
    MatLabel,
    MatSuffix,
    PasswordVisibilityToggle,
  ],
  template: `
    <mat-form-field appearance="outline">
      <mat-label>Password</mat-label>
      <input
        matInput
        [formField]="field()"
        [type]="shown() ? 'text' : 'password'"
        [attr.autocomplete]="autocomplete()"
      />
      <app-password-visibility-toggle matSuffix [(shown)]="shown" />
      @if (hint(); as hint) {
        <mat-hint>{{ hint }}</mat-hint>
      }
      @if (field()().errors()[0]; as error) {
        <mat-error>{{ error.message }}</mat-error>
      }
    </mat-form-field>
  `,
  styles: `
    :host {
      display: block;
    }
    mat-form-field {
      inline-size: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordField {
  readonly field = input.required<FieldTree<string>>();
  /** `current-password` to sign in, `new-password` to choose one (password managers tell them apart). */
  readonly autocomplete = input.required<'current-password' | 'new-password'>();
  readonly hint = input('');
  protected readonly shown = signal(false);
}
