import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { ExamStatus } from '@assay/contracts';

const labels: Readonly<Record<ExamStatus, string>> = {
  draft: 'Draft',
  published: 'Published',
  archived: 'Archived',
};

/** An exam's status as a small coloured label. */
@Component({
  selector: 'app-status-chip',
  template: `<span [class]="'chip ' + status()">{{ labels[status()] }}</span>`,
  styles: `
    .chip {
      display: inline-block;
      padding: 0.125rem 0.625rem;
      border-radius: var(--mat-sys-corner-full);
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
    }
    .draft {
      background: var(--mat-sys-surface-container-highest);
      color: var(--mat-sys-on-surface);
    }
    .published {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .archived {
      background: var(--mat-sys-surface-container);
      color: var(--mat-sys-on-surface-variant);
      text-decoration: none;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusChip {
  readonly status = input.required<ExamStatus>();
  protected readonly labels = labels;
}
