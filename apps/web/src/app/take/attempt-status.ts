import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { SaveStatus } from './answer-saver';

const SAVE_TEXT: Record<SaveStatus, string> = {
  idle: '',
  saving: 'Saving…',
  saved: 'Saved',
  retrying: 'Not saved — retrying',
  'signed-out': 'Not saved — sign in again',
  failed: 'Not saved',
  closed: 'The exam is closed',
};

/** Whether the answers are safe, and the time left: the two things a learner glances at. */
@Component({
  selector: 'app-attempt-status',
  template: `
    <p [class]="'save save-' + saveStatus()" role="status" data-testid="save-status">
      @if (saveStatus() === 'saving') {
        <span class="dot" aria-hidden="true"></span>
      }
      {{ saveText() }}
    </p>
    @if (timeText()) {
      <p
        [class]="'timer timer-' + urgency()"
        role="timer"
        [attr.aria-label]="timeLabel()"
        data-testid="countdown"
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle cx="12" cy="13" r="8" />
          <path d="M12 9v4l2.5 2.5M9.5 2.5h5" />
        </svg>
        <span aria-hidden="true">{{ timeText() }}</span>
      </p>
    } @else {
      <p class="timer timer-none">No time limit</p>
    }
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 0.75rem;
    }
    p {
      margin: 0;
    }
    .save {
      display: inline-flex;
      align-items: center;
      justify-content: flex-end;
      gap: 0.375rem;
      min-inline-size: 7rem;
      font: var(--mat-sys-label-large);
      color: var(--mat-sys-on-surface-variant);
    }
    .save-saved::before {
      content: '✓';
      color: var(--mat-sys-primary);
      font-weight: 700;
    }
    .save-retrying,
    .save-signed-out,
    .save-failed {
      color: var(--mat-sys-error);
    }
    .dot {
      inline-size: 0.5rem;
      block-size: 0.5rem;
      border-radius: 50%;
      background: var(--mat-sys-primary);
      animation: pulse 1s ease-in-out infinite alternate;
    }
    @keyframes pulse {
      from {
        opacity: 0.3;
      }
    }
    .timer {
      display: inline-flex;
      align-items: center;
      gap: 0.375rem;
      padding: 0.375rem 0.875rem;
      border-radius: var(--mat-sys-corner-full);
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
      font: var(--mat-sys-title-medium);
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
    svg {
      inline-size: 1.25rem;
      block-size: 1.25rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
      stroke-linecap: round;
    }
    .timer-low {
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
    }
    .timer-critical {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .timer-none {
      font: var(--mat-sys-label-large);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttemptStatus {
  readonly saveStatus = input.required<SaveStatus>();
  /** "14:05"; empty without a time limit. */
  readonly timeText = input.required<string>();
  /** The same time in words, for assistive technology. */
  readonly timeLabel = input.required<string>();
  readonly urgency = input<'normal' | 'low' | 'critical'>('normal');

  protected readonly saveText = computed(() => SAVE_TEXT[this.saveStatus()]);
}
