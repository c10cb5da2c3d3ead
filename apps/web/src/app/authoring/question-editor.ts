import { NgTemplateOutlet } from '@angular/common';
import type { ElementRef, OnInit } from '@angular/core';
import {
  ChangeDetectionStrategy,
  Component,
  afterNextRender,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { FormArray, FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCheckbox } from '@angular/material/checkbox';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatRadioButton, MatRadioGroup } from '@angular/material/radio';
import { MatOption, MatSelect } from '@angular/material/select';
import type { AuthorQuestion, QuestionBody, QuestionType } from '@assay/contracts';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { formErrors } from './form-errors';
import { required } from './required';
import { questionIssues } from './publish-rules';

type ChoiceForm = FormGroup<{ text: FormControl<string>; correct: FormControl<boolean> }>;

export const questionTypeLabels: Readonly<Record<QuestionType, string>> = {
  single_choice: 'Single choice',
  multiple_choice: 'Multiple choice',
  true_false: 'True / false',
};

/**
 * Writes one question: its type, text, choices (marking the correct ones), points and
 * explanation. Emits the question to save; the exam editor sends it to the server. Drafts may be
 * incomplete, so the publishing rules are shown as advice while editing, not enforced.
 */
@Component({
  selector: 'app-question-editor',
  imports: [
    MatButton,
    MatCheckbox,
    MatError,
    MatFormField,
    MatHint,
    MatInput,
    MatLabel,
    MatOption,
    MatRadioButton,
    MatRadioGroup,
    MatSelect,
    NgTemplateOutlet,
    ReactiveFormsModule,
  ],
  templateUrl: './question-editor.html',
  styleUrl: './question-editor.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QuestionEditor implements OnInit {
  /** The question to edit; `null` writes a new one. */
  readonly question = input<AuthorQuestion | null>(null);
  /** 1-based position, for the heading. */
  readonly position = input.required<number>();
  readonly busy = input(false);
  readonly save = output<QuestionBody>();
  readonly cancelEdit = output();

  protected readonly limits = EXAM_LIMITS;
  protected readonly typeLabels = questionTypeLabels;
  protected readonly types = Object.keys(questionTypeLabels) as QuestionType[];
  /** Bumped on every change that the template derives from the form value. */
  protected readonly revision = signal(0);
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  private readonly errors = formErrors();
  /** The form's value as opened, to tell whether anything was changed since. */
  private opened = '';

  protected readonly form = new FormGroup({
    type: new FormControl<QuestionType>('single_choice', { nonNullable: true }),
    text: new FormControl('', {
      nonNullable: true,
      validators: [required, Validators.maxLength(EXAM_LIMITS.questionTextMaxLength)],
    }),
    points: new FormControl(1, {
      nonNullable: true,
      validators: [
        required,
        Validators.min(1),
        Validators.max(EXAM_LIMITS.pointsMax),
        Validators.pattern(/^\d+$/),
      ],
    }),
    explanation: new FormControl('', {
      nonNullable: true,
      validators: [Validators.maxLength(EXAM_LIMITS.explanationMaxLength)],
    }),
    choices: new FormArray<ChoiceForm>([]),
  });

  constructor() {
    this.form.valueChanges.subscribe(() => {
      this.revision.update((n) => n + 1);
    });
    afterNextRender(() => {
      this.heading().nativeElement.focus();
    });
  }

  ngOnInit(): void {
    const question = this.question();
    if (question) {
      this.form.patchValue({
        type: question.type,
        text: question.text,
        points: question.points,
        explanation: question.explanation,
      });
      for (const choice of question.choices)
        this.choices.push(choiceForm(choice.text, choice.correct));
    } else {
      this.choices.push(choiceForm('', false));
      this.choices.push(choiceForm('', false));
    }
    this.opened = JSON.stringify(this.form.getRawValue());
  }

  /** Whether the question differs from what was opened (saved, or blank for a new one). */
  hasUnsavedChanges(): boolean {
    return JSON.stringify(this.form.getRawValue()) !== this.opened;
  }

  protected get choices(): FormArray<ChoiceForm> {
    return this.form.controls.choices;
  }

  protected get type(): QuestionType {
    return this.form.controls.type.value;
  }

  /** Index of the one correct choice, for the radio group of single choice and true/false. */
  protected correctIndex(): number | null {
    this.revision();
    const index = this.choices.controls.findIndex((choice) => choice.controls.correct.value);
    return index === -1 ? null : index;
  }

  protected issues(): string[] {
    this.revision();
    return questionIssues({ type: this.type, choices: this.choices.getRawValue() });
  }

  /** Changing the type keeps what still fits: true/false gets "True" and "False". */
  protected changeType(type: QuestionType): void {
    const current = this.choices.getRawValue();
    if (type === 'true_false') {
      const isTrueFalse =
        current.length === 2 && current[0]?.text === 'True' && current[1]?.text === 'False';
      this.replaceChoices(
        isTrueFalse
          ? current
          : [
              { text: 'True', correct: false },
              { text: 'False', correct: false },
            ],
      );
    } else if (type === 'single_choice') {
      // Only the first correct choice stays correct: single choice has exactly one.
      const first = current.findIndex((choice) => choice.correct);
      this.replaceChoices(current.map((choice, i) => ({ ...choice, correct: i === first })));
    }
    this.revision.update((n) => n + 1);
  }

  protected markOnlyCorrect(index: number): void {
    this.choices.controls.forEach((choice, i) => {
      choice.controls.correct.setValue(i === index);
    });
  }

  protected addChoice(): void {
    this.choices.push(choiceForm('', false));
  }

  protected removeChoice(index: number): void {
    this.choices.removeAt(index);
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.errors.show(this.form);
      this.revision.update((n) => n + 1);
      return;
    }
    const value = this.form.getRawValue();
    this.save.emit({
      type: value.type,
      text: value.text,
      points: value.points,
      explanation: value.explanation,
      choices: value.choices.map((choice) => ({ text: choice.text, correct: choice.correct })),
    });
  }

  private replaceChoices(choices: readonly { text: string; correct: boolean }[]): void {
    this.choices.clear();
    for (const choice of choices) this.choices.push(choiceForm(choice.text, choice.correct));
  }
}

function choiceForm(text: string, correct: boolean): ChoiceForm {
  return new FormGroup({
    text: new FormControl(text, {
      nonNullable: true,
      validators: [required, Validators.maxLength(EXAM_LIMITS.choiceTextMaxLength)],
    }),
    correct: new FormControl(correct, { nonNullable: true }),
  });
}
