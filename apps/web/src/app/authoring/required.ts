import type { AbstractControl, ValidationErrors } from '@angular/forms';
import { Validators } from '@angular/forms';

/** `Validators.required`, bound: the lint rules forbid passing the unbound static method. */
export function required(control: AbstractControl): ValidationErrors | null {
  return Validators.required(control);
}
