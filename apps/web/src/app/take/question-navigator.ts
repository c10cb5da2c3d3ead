import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButton } from '@angular/material/button';

/** One square of the navigator. */
export interface NavigatorItem {
  readonly id: string;
  readonly answered: boolean;
}

/**
 * Every question of the attempt as a numbered button, answered ones filled in and ticked, the
 * current one marked with `aria-current`; then the way to the review screen. Plain buttons in a
 * list, so Tab and Enter are all a keyboard user needs. The legend is a line of text: sample
 * squares beside the words would look like checkboxes to tick.
 */
@Component({
  selector: 'app-question-navigator',
  imports: [MatButton],
  template: `
    <nav aria-label="Questions">
      <h2 class="title">Questions</h2>
      <ol class="items">
        @for (item of items(); track item.id; let i = $index) {
          <li>
            <button
              type="button"
              class="item"
              [class.answered]="item.answered"
              [class.current]="current() === i"
              [attr.aria-current]="current() === i ? 'step' : null"
              [attr.aria-label]="
                'Question ' + (i + 1) + ', ' + (item.answered ? 'answered' : 'unanswered')
              "
              (click)="selected.emit(i)"
            >
              {{ i + 1 }}
              @if (item.answered) {
                <span class="tick" aria-hidden="true">✓</span>
              }
            </button>
          </li>
        }
      </ol>
      <p class="legend" aria-hidden="true">Answered questions are ticked ✓</p>
      <button
        mat-stroked-button
        type="button"
        class="review"
        [attr.aria-current]="current() === null ? 'step' : null"
        (click)="review.emit()"
      >
        Review and submit
      </button>
    </nav>
  `,
  styles: `
    nav {
      padding: 1rem;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: var(--mat-sys-corner-large);
      background: var(--mat-sys-surface-container-low);
    }
    .title {
      margin: 0 0 0.75rem;
      font: var(--mat-sys-title-small);
    }
    .items {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(auto-fill, 2.5rem);
      gap: 0.5rem;
    }
    .item {
      position: relative;
      inline-size: 2.5rem;
      block-size: 2.5rem;
      border: 1px solid var(--mat-sys-outline);
      border-radius: var(--mat-sys-corner-small);
      background: var(--mat-sys-surface);
      color: var(--mat-sys-on-surface);
      font: var(--mat-sys-label-large);
      cursor: pointer;
      &:hover {
        background: color-mix(in srgb, var(--mat-sys-primary) 8%, var(--mat-sys-surface));
      }
      &:focus-visible {
        outline: 3px solid var(--mat-sys-primary);
        outline-offset: 2px;
      }
      &.answered {
        border-color: var(--mat-sys-primary);
        background: var(--mat-sys-primary-container);
        color: var(--mat-sys-on-primary-container);
      }
      &.current {
        box-shadow:
          0 0 0 2px var(--mat-sys-surface),
          0 0 0 4px var(--mat-sys-on-surface);
        font-weight: 700;
      }
    }
    .tick {
      position: absolute;
      inset-block-start: 0.0625rem;
      inset-inline-end: 0.1875rem;
      font-size: 0.6875rem;
      line-height: 1;
    }
    .legend {
      margin: 0.875rem 0;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
    .review {
      inline-size: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QuestionNavigator {
  readonly items = input.required<readonly NavigatorItem[]>();
  /** 0-based index of the question on screen; `null` on the review screen. */
  readonly current = input.required<number | null>();
  readonly selected = output<number>();
  readonly review = output();
}
