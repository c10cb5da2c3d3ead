import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import type { MatRowHarness } from '@angular/material/table/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';
import type { UserSummary } from '@assay/contracts';
import { createWithApi } from '../../testing/create-with-api';
import { flushProblem } from '../../testing/problems';
import { noAnimations, provideApiTesting, provideSessionCookie } from '../../testing/providers';
import { signIn } from '../../testing/session';
import { settle } from '../../testing/settle';
import { Users } from './users';

const ada: UserSummary = {
  id: 'u-ada',
  username: 'ada',
  email: 'ada@example.test',
  displayName: 'Ada Lovelace',
  role: 'admin',
  disabled: false,
  createdAt: '2026-11-01T09:00:00.000Z',
};
const grace: UserSummary = {
  id: 'u-grace',
  username: 'grace',
  email: 'grace@example.test',
  displayName: 'Grace Hopper',
  role: 'learner',
  disabled: false,
  createdAt: '2026-11-02T09:00:00.000Z',
};

describe('The users table', () => {
  let fixture: ComponentFixture<Users>;
  let http: HttpTestingController;

  beforeEach(async () => {
    ({ fixture, http } = createWithApi(Users, { providers: [provideRouter([]), noAnimations] }));
    fixture.detectChanges();
    http
      .expectOne((r) => r.url === '/api/users' && !r.params.has('cursor'))
      .flush({ items: [ada, grace], nextCursor: null });
    await settle(fixture);
  });

  afterEach(() => {
    http.verify();
  });

  const loader = () => TestbedHarnessEnvironment.loader(fixture);
  const documentLoader = () => TestbedHarnessEnvironment.documentRootLoader(fixture);
  const roleOf = (name: string) =>
    loader().getHarness(MatSelectHarness.with({ selector: `[aria-label="Role of ${name}"]` }));

  it('lists the users with their role and status', async () => {
    const table = await loader().getHarness(MatTableHarness);
    const rows: MatRowHarness[] = await table.getRows();
    expect(rows).toHaveLength(2);
    const cells = await rows[1]!.getCellTextByColumnName();
    expect(cells['name']).toContain('Grace Hopper');
    expect(cells['name']).toContain('grace@example.test');
    expect(cells['status']).toBe('Active');
    expect(await (await roleOf('Grace Hopper')).getValueText()).toBe('Learner');
  });

  it('sends the new role with PATCH when an admin picks one', async () => {
    const select = await roleOf('Grace Hopper');
    await select.open();
    await select.clickOptions({ text: 'Instructor' });

    const request = http.expectOne('/api/users/u-grace');
    expect(request.request.method).toBe('PATCH');
    expect(request.request.body).toEqual({ role: 'instructor' });
    request.flush({ ...grace, role: 'instructor' });
    await settle(fixture);

    expect(await (await roleOf('Grace Hopper')).getValueText()).toBe('Instructor');
    const snackBar = await documentLoader().getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toContain('Grace Hopper is now an instructor');
    // The server applies a role from the next access token, which the web app renews by itself
    // (10 minutes at most); the admin is told so without the jargon.
    expect(await snackBar.getMessage()).toContain(
      'The change reaches them within 10 minutes, without signing in again.',
    );
    expect(await snackBar.getMessage()).not.toMatch(/token/i);
  });

  it('explains roles and when a new one applies in plain words', () => {
    const hint = (fixture.nativeElement as HTMLElement).querySelector('.hint')?.textContent ?? '';
    expect(hint.replace(/\s+/g, ' ')).toContain(
      'A new role reaches the person within 10 minutes, without signing in again.',
    );
    expect(hint).not.toMatch(/token/i);
  });

  it('puts the old role back and explains when the last admin would be demoted', async () => {
    const select = await roleOf('Ada Lovelace');
    await select.open();
    await select.clickOptions({ text: 'Learner' });

    flushProblem(http.expectOne('/api/users/u-ada'), 'last_admin', {
      detail: 'At least one enabled admin must remain.',
    });
    await settle(fixture);

    expect(await (await roleOf('Ada Lovelace')).getValueText()).toBe('Admin');
    const snackBar = await documentLoader().getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toContain('without an enabled admin');
  });

  it('disables an account only after confirmation', async () => {
    await (
      await loader().getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Disable Grace Hopper"]' }),
      )
    ).click();
    const dialog = await documentLoader().getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Disable Grace Hopper?');
    // The server ends a disabled account's sessions at once; the dialog says what will happen.
    expect(await dialog.getContentText()).toContain('signed out everywhere at once');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Disable account' }))).click();
    await settle(fixture);

    const request = http.expectOne('/api/users/u-grace');
    expect(request.request.body).toEqual({ disabled: true });
    request.flush({ ...grace, disabled: true });
    await settle(fixture);

    const rows = await (await loader().getHarness(MatTableHarness)).getRows();
    expect((await rows[1]!.getCellTextByColumnName())['status']).toBe('Disabled');
    expect(
      await loader().getAllHarnesses(
        MatButtonHarness.with({ selector: '[aria-label="Enable Grace Hopper"]' }),
      ),
    ).toHaveLength(1);
  });

  it('searches as the admin types', async () => {
    const search = await loader().getHarness(MatInputHarness.with({ selector: '[type="search"]' }));
    // The server refuses longer searches (USER_SEARCH_MAX_LENGTH).
    expect(await (await search.host()).getAttribute('maxlength')).toBe('100');
    // Fake time for the search delay; animation frames stay real for Angular's change detection.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await search.setValue('gra');
    http.expectNone((r) => r.url === '/api/users');
    await vi.advanceTimersByTimeAsync(300);
    vi.useRealTimers();

    // The search's request leaves once Angular has run the resource that loads it.
    const request = await vi.waitFor(() =>
      http.expectOne((r) => r.url === '/api/users' && r.params.get('q') === 'gra'),
    );
    request.flush({ items: [grace], nextCursor: null });
    await settle(fixture);

    expect(await (await loader().getHarness(MatTableHarness)).getRows()).toHaveLength(1);
  });
});

describe('The users page with an external identity provider', () => {
  let fixture: ComponentFixture<Users>;
  let http: HttpTestingController;
  const issuer = 'https://sso.example.org/realms/assay';

  async function open(accountsManagedAt: string | undefined): Promise<void> {
    TestBed.configureTestingModule({
      imports: [Users],
      providers: [
        provideRouter([]),
        ...provideApiTesting(),
        noAnimations,
        provideSessionCookie(true),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await signIn(http, {
      subject: 'ext-margaret',
      displayName: 'Margaret Hamilton',
      roles: ['assay-admin'],
      permissions: ['take:exams', 'manage:exams', 'manage:users'],
      ...(accountsManagedAt !== undefined && { accountsManagedAt }),
    });
    fixture = TestBed.createComponent(Users);
    fixture.detectChanges();
    // A page that asks for the list is not stable until its answer, which the test gives.
    if (accountsManagedAt !== undefined) await fixture.whenStable();
  }

  afterEach(() => {
    http.verify();
  });

  const text = () => (fixture.nativeElement as HTMLElement).textContent.replace(/\s+/g, ' ');

  it('says where accounts are managed instead of asking for a list the server cannot give', async () => {
    await open(issuer);

    http.expectNone((r) => r.url === '/api/users');
    expect(text()).toContain('Accounts are managed by your identity provider');
    expect(text()).toContain(issuer);
    expect(text()).not.toContain('There are no users yet');
    expect(
      await TestbedHarnessEnvironment.loader(fixture).getAllHarnesses(MatTableHarness),
    ).toEqual([]);
    expect(
      await TestbedHarnessEnvironment.loader(fixture).getAllHarnesses(MatInputHarness),
    ).toEqual([]);
  });

  it('says the same, without an error, when the server answers that the provider keeps them', async () => {
    await open(undefined);

    flushProblem(
      http.expectOne((r) => r.url === '/api/users'),
      'accounts_external',
      {
        detail: `Accounts and roles are managed by the identity provider at ${issuer}, not by Assay.`,
        issuer,
      },
    );
    await settle(fixture);

    expect(text()).toContain('Accounts are managed by your identity provider');
    expect(text()).toContain(issuer);
    expect(text()).not.toContain('There are no users yet');
    expect(
      await TestbedHarnessEnvironment.documentRootLoader(fixture).getAllHarnesses(
        MatSnackBarHarness,
      ),
    ).toEqual([]);
  });
});
