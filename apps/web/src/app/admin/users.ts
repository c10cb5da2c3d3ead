import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressBar } from '@angular/material/progress-bar';
import type { MatSelectChange } from '@angular/material/select';
import { MatOption, MatSelect } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Auth } from '../core/auth/auth';
import { ApiError } from '../core/http/api-error';
import { Notifier } from '../core/notifier';
import { Confirmation } from '../shared/confirm-dialog';
import { cursorPages } from '../shared/cursor-pages';
import { DateTimePipe } from '../shared/formatting';
import type { Role, UpdateUserBody, UserSummary } from '@assay/contracts';
import { USER_PAGE_SIZE_DEFAULT, USER_SEARCH_MAX_LENGTH } from '@assay/contracts/limits';
import { UsersApi } from './users-api';

export const roleLabels: Readonly<Record<Role, string>> = {
  learner: 'Learner',
  instructor: 'Instructor',
  admin: 'Admin',
};

const searchDelayMs = 300;
/**
 * When a new role reaches the person: the server puts it in their next access token, which the
 * web app renews by itself within minutes (10 at most), with no new sign-in.
 */
const roleChangeTiming = 'The change reaches them within 10 minutes, without signing in again.';

/**
 * `/admin/users`: every account, with search, role change and disable / enable. With an external
 * identity provider the accounts are the provider's: the page says where to manage them instead.
 */
@Component({
  selector: 'app-users',
  imports: [
    DateTimePipe,
    MatButton,
    MatFormField,
    MatInput,
    MatLabel,
    MatOption,
    MatProgressBar,
    MatSelect,
    MatTableModule,
  ],
  templateUrl: './users.html',
  styleUrl: './users.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Users {
  private readonly api = inject(UsersApi);
  private readonly notifier = inject(Notifier);
  private readonly confirmation = inject(Confirmation);

  /** The external identity provider that keeps the accounts, when there is one. */
  protected readonly accountsManagedAt = signal(inject(Auth).user()?.accountsManagedAt ?? null);
  protected readonly columns = ['name', 'role', 'status', 'created', 'actions'];
  protected readonly roles = Object.entries(roleLabels) as [Role, string][];
  protected readonly roleLabels = roleLabels;
  protected readonly searchMaxLength = USER_SEARCH_MAX_LENGTH;
  protected readonly query = signal('');
  /** The search shown; a new object each time, so searching again reloads. */
  private readonly search = signal<{ readonly q: string } | undefined>(
    this.accountsManagedAt() === null ? { q: '' } : undefined,
  );
  private readonly list = cursorPages({
    query: this.search,
    load: ({ q }, cursor) =>
      this.api.list({ q, cursor: cursor ?? undefined, limit: USER_PAGE_SIZE_DEFAULT }),
  });
  /** The users of the search's pages so far; a search that fails leaves the last ones. */
  protected readonly users = this.list.items;
  protected readonly nextCursor = this.list.nextCursor;
  protected readonly loading = computed(() => this.list.loading() || this.list.loadingMore());
  /** Ids of the users with a change on its way to the server. */
  protected readonly pending = signal<ReadonlySet<string>>(new Set());
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    effect(() => {
      const error = this.list.failure()?.error;
      if (error) {
        untracked(() => {
          this.report(error);
        });
      }
    });
  }

  protected onSearchInput(value: string): void {
    this.query.set(value);
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.searchAgain();
    }, searchDelayMs);
  }

  protected searchNow(event: Event): void {
    event.preventDefault();
    clearTimeout(this.searchTimer);
    this.searchAgain();
  }

  protected loadMore(): void {
    void this.list.loadMore();
  }

  private searchAgain(): void {
    this.search.set({ q: this.query().trim() });
  }

  protected async changeRole(user: UserSummary, change: MatSelectChange<Role>): Promise<void> {
    const role = change.value;
    const updated = await this.update(user, { role });
    if (updated) {
      const label = roleLabels[role].toLowerCase();
      this.notifier.confirm(
        `${updated.displayName} is now ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}. ` +
          roleChangeTiming,
      );
    } else {
      change.source.value = user.role;
    }
  }

  protected async toggleDisabled(user: UserSummary): Promise<void> {
    const disabling = !user.disabled;
    const confirmed = await this.confirmation.ask(
      disabling
        ? {
            title: `Disable ${user.displayName}?`,
            message:
              'They are signed out everywhere at once and can no longer sign in. Their results ' +
              'are kept. You can enable the account again later.',
            confirmLabel: 'Disable account',
          }
        : {
            title: `Enable ${user.displayName}?`,
            message: 'They can sign in again with their password.',
            confirmLabel: 'Enable account',
          },
    );
    if (!confirmed) return;
    const updated = await this.update(user, { disabled: disabling });
    if (updated) {
      this.notifier.confirm(
        `${updated.displayName}'s account is ${updated.disabled ? 'disabled' : 'enabled'}`,
      );
    }
  }

  protected isPending(user: UserSummary): boolean {
    return this.pending().has(user.id);
  }

  private async update(user: UserSummary, body: UpdateUserBody): Promise<UserSummary | null> {
    this.pending.update((ids) => new Set(ids).add(user.id));
    try {
      const updated = await this.api.update(user.id, body);
      this.users.update((users) => users.map((u) => (u.id === updated.id ? updated : u)));
      return updated;
    } catch (error) {
      this.report(error);
      return null;
    } finally {
      this.pending.update((ids) => {
        const next = new Set(ids);
        next.delete(user.id);
        return next;
      });
    }
  }

  private report(error: unknown): void {
    if (!(error instanceof ApiError)) {
      this.notifier.error('Something went wrong. Try again.');
    } else if (error.code === 'accounts_external') {
      const issuer = error.extensions['issuer'];
      this.accountsManagedAt.set(typeof issuer === 'string' ? issuer : 'your identity provider');
    } else if (error.code === 'last_admin') {
      this.notifier.error(
        'That would leave Assay without an enabled admin. Make someone else an admin first.',
      );
    } else if (!error.notified) {
      this.notifier.error(error.message);
    }
  }
}
