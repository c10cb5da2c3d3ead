import { FormControl, Validators } from '@angular/forms';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { required } from './required';

/** An exam's title and short description, as the new-exam form and the settings edit them. */
export function examTitleControls() {
  return {
    title: new FormControl('', {
      nonNullable: true,
      validators: [required, Validators.maxLength(EXAM_LIMITS.titleMaxLength)],
    }),
    description: new FormControl('', {
      nonNullable: true,
      validators: [Validators.maxLength(EXAM_LIMITS.descriptionMaxLength)],
    }),
  };
}
