import type { OnInit } from '@angular/core';
import { ChangeDetectionStrategy, Component, effect, input, output } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCheckbox } from '@angular/material/checkbox';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatRadioButton, MatRadioGroup } from '@angular/material/radio';
import type { Exam, ReviewPolicy, UpdateExamBody } from '@assay/contracts';
import { areDetailsEditable } from '@assay/contracts/exam-rules';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { examTitleControls } from './exam-title-controls';
import { formErrors } from './form-errors';
import { required } from './required';
import { MarkdownPipe } from '../shared/markdown';

const wholeNumber = Validators.pattern(/^\d+$/);

export const reviewPolicyLabels: Readonly<Record<ReviewPolicy, string>> = {
  score_only: 'Score only',
  show_correctness: 'Which answers were right',
  show_answers: 'Correct answers and explanations',
};

/** The exam's details and rules: title, descriptions, time limit, attempts, pass mark … */
@Component({
  selector: 'app-exam-settings',
  imports: [
    MarkdownPipe,
    MatButton,
    MatCheckbox,
    MatError,
    MatFormField,
    MatHint,
    MatInput,
    MatLabel,
    MatRadioButton,
    MatRadioGroup,
    ReactiveFormsModule,
  ],
  templateUrl: './exam-settings.html',
  styleUrl: './exam-settings.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExamSettings implements OnInit {
  readonly exam = input.required<Exam>();
  readonly busy = input(false);
  readonly save = output<UpdateExamBody>();

  protected readonly limits = EXAM_LIMITS;
  protected readonly policies = Object.entries(reviewPolicyLabels) as [ReviewPolicy, string][];
  private readonly errors = formErrors();

  protected readonly form = new FormGroup({
    ...examTitleControls(),
    longDescription: new FormControl('', {
      nonNullable: true,
      validators: [Validators.maxLength(EXAM_LIMITS.longDescriptionMaxLength)],
    }),
    timeLimitMinutes: new FormControl<number | null>(null, [
      Validators.min(1),
      Validators.max(EXAM_LIMITS.timeLimitMinutesMax),
      wholeNumber,
    ]),
    maxAttempts: new FormControl<number | null>(null, [
      Validators.min(1),
      Validators.max(EXAM_LIMITS.maxAttemptsMax),
      wholeNumber,
    ]),
    passMark: new FormControl(50, {
      nonNullable: true,
      validators: [required, Validators.min(0), Validators.max(100), wholeNumber],
    }),
    shuffleQuestions: new FormControl(false, { nonNullable: true }),
    shuffleChoices: new FormControl(false, { nonNullable: true }),
    reviewPolicy: new FormControl<ReviewPolicy>('show_correctness', { nonNullable: true }),
  });

  protected readonly longDescription = toSignal(this.form.controls.longDescription.valueChanges, {
    initialValue: '',
  });

  constructor() {
    // An archived exam can no longer change; the page may archive it while the form is open.
    effect(() => {
      if (!areDetailsEditable(this.exam().status)) this.form.disable();
      else if (this.form.disabled) this.form.enable();
    });
  }

  ngOnInit(): void {
    const exam = this.exam();
    this.form.setValue({
      title: exam.title,
      description: exam.description,
      longDescription: exam.longDescription,
      timeLimitMinutes: exam.timeLimitMinutes,
      maxAttempts: exam.maxAttempts,
      passMark: exam.passMark,
      shuffleQuestions: exam.shuffleQuestions,
      shuffleChoices: exam.shuffleChoices,
      reviewPolicy: exam.reviewPolicy,
    });
  }

  /** Whether the form shows settings other than the exam's saved ones. */
  hasUnsavedChanges(): boolean {
    if (this.form.disabled) return false;
    const body = this.body();
    const exam = this.exam();
    return (Object.keys(body) as (keyof typeof body)[]).some((key) => body[key] !== exam[key]);
  }

  /**
   * For an action that needs the settings saved first (publishing): the settings to save,
   * `'none'` when the form shows the saved ones, or `'invalid'` once the form shows what to fix.
   */
  settingsToSave(): UpdateExamBody | 'none' | 'invalid' {
    if (!this.hasUnsavedChanges()) return 'none';
    if (this.form.invalid) {
      this.errors.show(this.form);
      return 'invalid';
    }
    return this.body();
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.errors.show(this.form);
      return;
    }
    this.save.emit(this.body());
  }

  private body(): Required<UpdateExamBody> {
    const value = this.form.getRawValue();
    return {
      ...value,
      timeLimitMinutes: optionalNumber(value.timeLimitMinutes),
      maxAttempts: optionalNumber(value.maxAttempts),
    };
  }
}

/** An empty number field means "no limit". */
function optionalNumber(value: number | string | null): number | null {
  return value === null || value === '' ? null : Number(value);
}
