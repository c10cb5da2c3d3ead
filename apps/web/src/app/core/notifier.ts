import { Injectable, Injector, PendingTasks, inject } from '@angular/core';

/** A button on a notification, such as "Sign in" or "Retry". */
export interface NotificationAction {
  readonly label: string;
  readonly run: () => void;
}

/**
 * The app's one way to tell the user something happened: errors and confirmations as Material
 * snackbars, announced through a polite live region. Never `alert()`.
 *
 * The snackbar (and Material's overlay under it) is loaded on first use, so it stays out of the
 * JavaScript every visitor downloads before the app starts.
 */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private readonly injector = inject(Injector);
  private readonly pendingTasks = inject(PendingTasks);
  /** The message on screen now, so a repeat (a retried request failing again) is not re-shown. */
  private showing: string | null = null;

  /** Something failed. */
  error(message: string, action?: NotificationAction): void {
    this.show(message, action, 8000);
  }

  /** Something the user did has worked ("Exam published"). */
  confirm(message: string, action?: NotificationAction): void {
    this.show(message, action, 4000);
  }

  private show(message: string, action: NotificationAction | undefined, duration: number): void {
    if (message === this.showing) return;
    this.showing = message;
    // A pending task, so the app (and a test) is not "stable" until the snackbar is open.
    this.pendingTasks.run(async () => {
      const { MatSnackBar, MatSnackBarConfig } = await import('@angular/material/snack-bar').catch(
        (error: unknown) => {
          this.showing = null;
          throw error;
        },
      );
      const config = new MatSnackBarConfig();
      config.politeness = 'polite';
      // A notification with an action stays until used or dismissed, so it can be reached in time.
      config.duration = action ? undefined : duration;
      const snackBar = this.injector
        .get(MatSnackBar)
        .open(message, action?.label ?? 'Dismiss', config);
      snackBar.afterDismissed().subscribe(() => {
        if (this.showing === message) this.showing = null;
      });
      if (action) {
        snackBar.onAction().subscribe(() => {
          action.run();
        });
      }
    });
  }
}
