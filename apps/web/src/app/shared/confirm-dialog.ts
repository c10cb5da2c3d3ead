import { ChangeDetectionStrategy, Component, Injectable, inject } from '@angular/core';
import { MatButton } from '@angular/material/button';
import {
  MAT_DIALOG_DATA,
  MatDialog,
  MatDialogActions,
  MatDialogClose,
  MatDialogConfig,
  MatDialogContent,
  MatDialogTitle,
} from '@angular/material/dialog';
import { firstValueFrom } from 'rxjs';

/** What a confirmation asks. */
export interface ConfirmOptions {
  readonly title: string;
  readonly message: string;
  /** The verb on the confirming button ("Publish", "Delete question"). */
  readonly confirmLabel: string;
  readonly cancelLabel?: string;
}

/**
 * A Material dialog that asks before an action with consequences. Focus starts on the cancelling
 * button, so pressing Enter by habit never confirms; Escape cancels.
 */
@Component({
  selector: 'app-confirm-dialog',
  imports: [MatButton, MatDialogActions, MatDialogClose, MatDialogContent, MatDialogTitle],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      <p>{{ data.message }}</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false" cdkFocusInitial>
        {{ data.cancelLabel ?? 'Cancel' }}
      </button>
      <button mat-flat-button type="button" [mat-dialog-close]="true">
        {{ data.confirmLabel }}
      </button>
    </mat-dialog-actions>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  protected readonly data = inject<ConfirmOptions>(MAT_DIALOG_DATA);
}

/** Asks the user to confirm; resolves `true` only when they chose the confirming button. */
@Injectable({ providedIn: 'root' })
export class Confirmation {
  private readonly dialog = inject(MatDialog);

  async ask(options: ConfirmOptions): Promise<boolean> {
    const config = Object.assign(new MatDialogConfig<ConfirmOptions>(), {
      data: options,
      role: 'alertdialog',
      maxWidth: '28rem',
      autoFocus: 'first-tabbable',
    } satisfies Partial<MatDialogConfig<ConfirmOptions>>);
    const ref = this.dialog.open<ConfirmDialog, ConfirmOptions, boolean>(ConfirmDialog, config);
    return (await firstValueFrom(ref.afterClosed())) === true;
  }
}
