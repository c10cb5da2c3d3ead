import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ExamSummary } from '@assay/contracts';
import { formatTimeLimit } from './formatting';

/** The facts a learner weighs before starting: questions, time, attempts, pass mark. */
@Component({
  selector: 'app-exam-facts',
  template: `
    <dl class="facts" [class.large]="size() === 'large'">
      @for (fact of facts(); track fact.label) {
        <div class="fact">
          <dt>{{ fact.label }}</dt>
          <dd>{{ fact.value }}</dd>
        </div>
      }
    </dl>
  `,
  styles: `
    .facts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 7.5rem), 1fr));
      gap: 0.5rem;
      margin: 0;
    }
    .fact {
      padding: 0.5rem 0.75rem;
      border-radius: var(--mat-sys-corner-medium);
      background: var(--mat-sys-surface-container);
    }
    dt {
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0.125rem 0 0;
      font: var(--mat-sys-title-small);
      color: var(--mat-sys-on-surface);
    }
    .large {
      gap: 0.75rem;
      .fact {
        padding: 0.875rem 1rem;
      }
      dd {
        font: var(--mat-sys-title-medium);
        font-weight: 600;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExamFacts {
  readonly exam =
    input.required<
      Pick<ExamSummary, 'questionCount' | 'timeLimitMinutes' | 'maxAttempts' | 'passMark'>
    >();
  readonly size = input<'compact' | 'large'>('compact');

  protected readonly facts = computed(() => {
    const exam = this.exam();
    return [
      { label: 'Questions', value: String(exam.questionCount) },
      { label: 'Time limit', value: formatTimeLimit(exam.timeLimitMinutes) },
      {
        label: 'Attempts',
        value: exam.maxAttempts === null ? 'Unlimited' : String(exam.maxAttempts),
      },
      { label: 'Pass mark', value: `${exam.passMark} %` },
    ];
  });
}
