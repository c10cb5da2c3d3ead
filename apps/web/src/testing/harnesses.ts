import type { HarnessLoader } from '@angular/cdk/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';

/** The input of the form field labelled `label`, as a person finds it. */
export async function inputLabelled(
  loader: HarnessLoader,
  label: string | RegExp,
): Promise<MatInputHarness> {
  const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const input = await field.getControl(MatInputHarness);
  if (!input) throw new Error(`No input labelled ${String(label)}`);
  return input;
}
