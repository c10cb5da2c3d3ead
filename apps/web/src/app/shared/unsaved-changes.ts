import { DOCUMENT, DestroyRef, inject } from '@angular/core';
import type { CanDeactivateFn } from '@angular/router';
import { Confirmation } from './confirm-dialog';

/** A page whose forms may hold changes that are not saved yet. */
export interface WithUnsavedChanges {
  hasUnsavedChanges(): boolean;
}

/**
 * `canDeactivate` of such a page: leaving it within the app (a link, the back button) asks first
 * when something is unsaved. Staying is the default answer.
 */
export const confirmLeavingUnsaved: CanDeactivateFn<WithUnsavedChanges> = (page) =>
  !page.hasUnsavedChanges() ||
  inject(Confirmation).ask({
    title: 'Leave without saving?',
    message: 'Your changes on this page are not saved yet. If you leave now, they are lost.',
    confirmLabel: 'Leave without saving',
    cancelLabel: 'Stay',
  });

/**
 * Has the browser ask before the page itself goes (reload, another address, closing the tab)
 * while `hasUnsavedChanges()` holds; the router's guard never sees those. Call in a constructor.
 */
export function warnBeforeUnload(hasUnsavedChanges: () => boolean): void {
  const window = inject(DOCUMENT).defaultView;
  const listener = (event: BeforeUnloadEvent): void => {
    if (hasUnsavedChanges()) event.preventDefault();
  };
  window?.addEventListener('beforeunload', listener);
  inject(DestroyRef).onDestroy(() => {
    window?.removeEventListener('beforeunload', listener);
  });
}
