import { ElementRef, Injector, afterNextRender, inject } from '@angular/core';
import type { AbstractControl } from '@angular/forms';

/**
 * For a component's form: shows every field's error and, once they are drawn, takes the user to
 * the first field in the component that needs fixing. Call in the component's injection context.
 */
export function formErrors(): { show(form: AbstractControl): void } {
  const host = inject<ElementRef<HTMLElement>>(ElementRef);
  const injector = inject(Injector);
  return {
    show(form) {
      form.markAllAsTouched();
      afterNextRender(
        () =>
          host.nativeElement
            .querySelector<HTMLElement>('input.ng-invalid, textarea.ng-invalid')
            ?.focus(),
        { injector },
      );
    },
  };
}
