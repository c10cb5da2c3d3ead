import type { OnInit } from '@angular/core';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { MatProgressBar } from '@angular/material/progress-bar';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { AuthorQuestion, Exam, QuestionBody, UpdateExamBody } from '@assay/contracts';
import { areQuestionsEditable } from '@assay/contracts/exam-rules';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import { ApiError } from '../core/http/api-error';
import { Notifier } from '../core/notifier';
import { Confirmation, type ConfirmOptions } from '../shared/confirm-dialog';
import { MarkdownPipe } from '../shared/markdown';
import { warnBeforeUnload, type WithUnsavedChanges } from '../shared/unsaved-changes';
import { AuthoringApi } from './authoring-api';
import { ExamSettings } from './exam-settings';
import { StatusChip } from './status-chip';
import {
  examIssues,
  issuesFromServer,
  publishProblemsOf,
  type PublishIssue,
} from './publish-rules';
import { QuestionEditor, questionTypeLabels } from './question-editor';

/** `null`: no question open; `'new'`: writing a new one; otherwise the id being edited. */
type Editing = string | null;

/**
 * `/authoring/:examId`: an exam's settings, its questions (add, edit, delete, reorder) and its
 * status (publish, unpublish, archive). Questions change only in drafts; the server enforces it,
 * and the page says how to get there.
 */
@Component({
  selector: 'app-exam-editor',
  imports: [
    ExamSettings,
    MarkdownPipe,
    MatAnchor,
    MatButton,
    MatProgressBar,
    QuestionEditor,
    RouterLink,
    StatusChip,
  ],
  templateUrl: './exam-editor.html',
  styleUrl: './exam-editor.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExamEditor implements OnInit, WithUnsavedChanges {
  private readonly api = inject(AuthoringApi);
  private readonly notifier = inject(Notifier);
  private readonly confirmation = inject(Confirmation);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly examId = inject(ActivatedRoute).snapshot.paramMap.get('examId') ?? '';

  protected readonly typeLabels = questionTypeLabels;
  protected readonly exam = signal<Exam | null>(null);
  protected readonly loadFailed = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly editing = signal<Editing>(null);
  /** Shown after a publish attempt that the rules (the client's or the server's) refused. */
  protected readonly publishIssues = signal<readonly PublishIssue[]>([]);
  private readonly settings = viewChild(ExamSettings);
  private readonly questionEditor = viewChild(QuestionEditor);

  protected readonly questionsEditable = computed(() => {
    const exam = this.exam();
    return exam !== null && areQuestionsEditable(exam.status);
  });
  protected readonly canAddQuestion = computed(
    () => (this.exam()?.questions.length ?? 0) < EXAM_LIMITS.questionsPerExamMax,
  );
  /** What each saved question still lacks before the exam can be published, by question id. */
  protected readonly issuesByQuestion = computed(() => {
    const byQuestion = new Map<string, string[]>();
    for (const issue of [...examIssues(this.exam()?.questions ?? []), ...this.publishIssues()]) {
      if (issue.questionId === undefined) continue;
      const messages = byQuestion.get(issue.questionId) ?? [];
      if (!messages.includes(issue.message)) messages.push(issue.message);
      byQuestion.set(issue.questionId, messages);
    }
    return byQuestion;
  });

  constructor() {
    warnBeforeUnload(() => this.hasUnsavedChanges());
  }

  ngOnInit(): void {
    void this.load();
  }

  /** Settings or a question typed but not saved (the route asks before leaving them). */
  hasUnsavedChanges(): boolean {
    return (
      this.settings()?.hasUnsavedChanges() === true ||
      this.questionEditor()?.hasUnsavedChanges() === true
    );
  }

  private async load(): Promise<void> {
    try {
      this.exam.set(await this.api.examForEditing(this.examId));
    } catch (error) {
      this.loadFailed.set(
        error instanceof ApiError && error.status === 404
          ? 'There is no exam here, or it belongs to another author.'
          : 'The exam could not be loaded. Reload the page to try again.',
      );
    }
  }

  protected async saveSettings(body: UpdateExamBody): Promise<void> {
    const exam = await this.run(() => this.api.updateExam(this.examId, body));
    if (exam) this.notifier.confirm('Settings saved');
  }

  protected startEditing(editing: Editing): void {
    this.editing.set(editing);
  }

  protected cancelEditing(): void {
    const editing = this.editing();
    this.editing.set(null);
    this.focusAfterRender(
      editing === 'new' || editing === null ? 'add-question' : `edit-${editing}`,
    );
  }

  protected async saveQuestion(body: QuestionBody): Promise<void> {
    const editing = this.editing();
    if (editing === null) return;
    const exam = await this.run(() =>
      editing === 'new'
        ? this.api.addQuestion(this.examId, body)
        : this.api.replaceQuestion(this.examId, editing, body),
    );
    if (!exam) return;
    this.editing.set(null);
    this.clearPublishIssuesFixed(exam);
    const saved = editing === 'new' ? exam.questions.at(-1) : undefined;
    this.notifier.confirm(editing === 'new' ? 'Question added' : 'Question saved');
    this.focusAfterRender(`question-${saved?.id ?? editing}-title`);
  }

  protected async deleteQuestion(question: AuthorQuestion): Promise<void> {
    const confirmed = await this.confirmation.ask({
      title: `Delete question ${question.position}?`,
      message: 'The question and its choices are removed from this draft. This cannot be undone.',
      confirmLabel: 'Delete question',
    });
    if (!confirmed) return;
    const exam = await this.run(async () => {
      await this.api.deleteQuestion(this.examId, question.id);
      return this.api.examForEditing(this.examId);
    });
    if (!exam) return;
    this.clearPublishIssuesFixed(exam);
    this.notifier.confirm(`Question ${question.position} deleted`);
    this.focusAfterRender('add-question');
  }

  /** Moves a question one place up (-1) or down (+1), keeping focus on the same button. */
  protected async move(question: AuthorQuestion, offset: -1 | 1): Promise<void> {
    const ids = this.exam()?.questions.map((q) => q.id) ?? [];
    const from = ids.indexOf(question.id);
    const to = from + offset;
    if (from === -1 || to < 0 || to >= ids.length) return;
    [ids[from], ids[to]] = [ids[to] ?? '', ids[from] ?? ''];
    const exam = await this.run(() => this.api.reorderQuestions(this.examId, ids));
    if (!exam) return;
    const position = to + 1;
    this.notifier.confirm(`Question moved to position ${position}`);
    const direction = offset === -1 ? 'up' : 'down';
    const atEdge = offset === -1 ? position === 1 : position === exam.questions.length;
    const other = direction === 'up' ? 'down' : 'up';
    this.focusAfterRender(`move-${atEdge ? other : direction}-${question.id}`);
  }

  /**
   * Publishes the exam as the page shows it: settings typed but not saved are saved first (an
   * exam going live with a time limit or pass mark other than the one on screen would be a
   * surprise), and an unsaved question stops it.
   */
  protected async publish(): Promise<void> {
    const exam = this.exam();
    if (!exam) return;
    if (this.questionEditor()?.hasUnsavedChanges()) {
      this.notifier.error('Save or cancel the question you are editing, then publish.');
      return;
    }
    const settings = this.settings()?.settingsToSave() ?? 'none';
    if (settings === 'invalid') {
      this.notifier.error('Fix the settings marked in red, then publish.');
      return;
    }
    const issues = examIssues(exam.questions);
    this.publishIssues.set(issues);
    if (issues.length) {
      this.focusAfterRender('publish-issues');
      return;
    }
    const confirmed = await this.confirmation.ask({
      title: 'Publish this exam?',
      message:
        (settings === 'none' ? '' : 'Your changes to the settings are saved first. ') +
        'It appears in the catalog and learners can start it. Its questions cannot change while ' +
        'it is published.',
      confirmLabel: settings === 'none' ? 'Publish' : 'Save and publish',
    });
    if (!confirmed) return;
    const publishWithSettings = async (): Promise<Exam> => {
      if (settings !== 'none') this.exam.set(await this.api.updateExam(this.examId, settings));
      return this.api.publish(this.examId);
    };
    const published = await this.run(publishWithSettings, {
      exam_not_publishable: async (error) => {
        // The server's rules have the last word: show what it found, per question, on the
        // questions as they are now (another tab may have changed them).
        const fromServer = issuesFromServer(publishProblemsOf(error));
        this.exam.set(await this.api.examForEditing(this.examId));
        const found = fromServer.length ? fromServer : examIssues(this.exam()?.questions ?? []);
        this.publishIssues.set(
          found.length ? found : [{ message: 'The server refused to publish this exam.' }],
        );
        this.focusAfterRender('publish-issues');
      },
    });
    if (published) {
      this.editing.set(null);
      this.notifier.confirm(
        settings === 'none'
          ? 'Exam published — it is in the catalog now'
          : 'Settings saved and exam published — it is in the catalog now',
      );
    }
  }

  protected unpublish(): Promise<void> {
    return this.changeStatus(
      {
        title: 'Unpublish this exam?',
        message:
          'It leaves the catalog and nobody can start it until you publish it again. Recorded ' +
          'results are kept. Its questions become editable.',
        confirmLabel: 'Unpublish',
      },
      () => this.api.unpublish(this.examId),
      'Exam unpublished — it is a draft again',
    );
  }

  protected archive(): Promise<void> {
    return this.changeStatus(
      {
        title: 'Archive this exam?',
        message:
          'It leaves the catalog for good and can no longer be edited or published. Recorded ' +
          'results are kept.',
        confirmLabel: 'Archive',
      },
      () => this.api.archive(this.examId),
      'Exam archived',
    );
  }

  /** Asks first, then changes the exam's status and says it is done. */
  private async changeStatus(
    question: ConfirmOptions,
    change: () => Promise<Exam>,
    done: string,
  ): Promise<void> {
    if (!(await this.confirmation.ask(question))) return;
    const exam = await this.run(change);
    if (exam) this.notifier.confirm(done);
  }

  protected issuesOf(question: AuthorQuestion): readonly string[] {
    return this.issuesByQuestion().get(question.id) ?? [];
  }

  /** Runs an API call that answers the updated exam; reports failures and answers `null`. */
  private async run(
    call: () => Promise<Exam>,
    handlers: Partial<Record<string, (error: ApiError) => Promise<void>>> = {},
  ): Promise<Exam | null> {
    this.busy.set(true);
    try {
      const exam = await call();
      this.exam.set(exam);
      return exam;
    } catch (error) {
      const handler = error instanceof ApiError ? handlers[error.code] : undefined;
      if (handler && error instanceof ApiError) {
        await handler(error).catch((e: unknown) => {
          this.report(e);
        });
      } else {
        this.report(error);
      }
      return null;
    } finally {
      this.busy.set(false);
    }
  }

  private report(error: unknown): void {
    if (error instanceof ApiError) {
      if (error.notified) return;
      if (error.code === 'exam_not_editable') {
        this.notifier.error(`${error.message} Unpublish the exam to edit its questions.`);
        return;
      }
      this.notifier.error(error.message);
      return;
    }
    this.notifier.error('Something went wrong. Try again.');
  }

  /** Publish problems that no longer apply disappear as questions are fixed. */
  private clearPublishIssuesFixed(exam: Exam): void {
    if (this.publishIssues().length === 0) return;
    this.publishIssues.set(examIssues(exam.questions));
  }

  /** Moves focus to the element with this id once the view shows it. */
  private focusAfterRender(id: string): void {
    afterNextRender(
      () => this.host.nativeElement.querySelector<HTMLElement>(`[id="${id}"]`)?.focus(),
      { injector: this.injector },
    );
  }
}
