import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpXsrfTokenExtractor } from '@angular/common/http';
import type { TestRequest } from '@angular/common/http/testing';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatToolbarHarness } from '@angular/material/toolbar/testing';
import type { BffUser } from '@assay/contracts';
import { Router } from '@angular/router';
import { App } from './app';
import { appConfig } from './app.config';
import { PAGE_NAVIGATION } from './core/page-navigation';
import { AttemptMemory } from './take/attempt-memory';

const ada: BffUser = {
  subject: 'a2f4c1de-0000-4000-8000-000000000001',
  displayName: 'Ada Lovelace',
  roles: ['learner'],
  permissions: ['take:exams'],
};

describe('The toolbar', () => {
  let fixture: ComponentFixture<App>;
  let httpTesting: HttpTestingController;
  const assign = vi.fn<(url: string) => void>();

  /**
   * Starts the app as a browser with (`session`) or without the session's XSRF-TOKEN cookie, and
   * `/bff/user` answering `user`, or 401 when `user` is null.
   */
  async function start(
    user: BffUser | null,
    { url = '/', session = user !== null }: { url?: string; session?: boolean } = {},
  ): Promise<void> {
    assign.mockReset();
    TestBed.configureTestingModule({
      imports: [App],
      providers: [
        ...appConfig.providers,
        provideHttpClientTesting(),
        { provide: PAGE_NAVIGATION, useValue: { assign } },
        {
          provide: HttpXsrfTokenExtractor,
          useValue: { getToken: () => (session ? 'xsrf' : null) },
        },
      ],
    });
    fixture = TestBed.createComponent(App);
    httpTesting = TestBed.inject(HttpTestingController);
    if (session) {
      const whoIsSignedIn = httpTesting.expectOne('/bff/user');
      if (user) whoIsSignedIn.flush(user);
      else
        whoIsSignedIn.flush(
          { type: 'urn:assay:problem:session_missing', code: 'session_missing', status: 401 },
          { status: 401, statusText: 'Unauthorized' },
        );
    }
    await TestBed.inject(Router).navigateByUrl(url);
    await fixture.whenStable();
  }

  afterEach(() => {
    httpTesting.verify();
  });

  function loader() {
    return TestbedHarnessEnvironment.loader(fixture);
  }

  /** The toolbar's account buttons (the toolbar's navigation links are not this test's). */
  async function toolbarButtons(): Promise<string[]> {
    const toolbar = await loader().getHarness(MatToolbarHarness);
    const buttons = await toolbar.getAllHarnesses(MatButtonHarness.with({ selector: 'button' }));
    return Promise.all(buttons.map((button) => button.getText()));
  }

  describe('for an anonymous visitor', () => {
    it('offers "Sign in" and "Sign up", and nothing for signed-in users', async () => {
      await start(null);

      expect(await toolbarButtons()).toEqual(['Sign in', 'Sign up']);
      expect(await loader().getAllHarnesses(MatMenuHarness)).toHaveLength(0);
    });

    it('treats a session the server no longer knows (401 from /bff/user) as anonymous', async () => {
      await start(null, { session: true });

      expect(await toolbarButtons()).toEqual(['Sign in', 'Sign up']);
    });

    it('signs in and comes back to the page the visitor is on', async () => {
      await start(null, { url: '/some/page?x=1' });

      const signIn = await loader().getHarness(MatButtonHarness.with({ text: 'Sign in' }));
      await signIn.click();

      expect(assign).toHaveBeenCalledExactlyOnceWith(
        `/bff/login?returnTo=${encodeURIComponent('/some/page?x=1')}`,
      );
    });

    it('opens the "Create account" form from "Sign up", landing on the exams from home', async () => {
      await start(null, { url: '/' });

      const signUp = await loader().getHarness(MatButtonHarness.with({ text: 'Sign up' }));
      await signUp.click();

      expect(assign).toHaveBeenCalledExactlyOnceWith('/bff/login?signup=1&returnTo=%2Fexams');
    });

    it('signs up and comes back to any other page the visitor is on', async () => {
      await start(null, { url: '/some/page?x=1' });

      const signUp = await loader().getHarness(MatButtonHarness.with({ text: 'Sign up' }));
      await signUp.click();

      expect(assign).toHaveBeenCalledExactlyOnceWith(
        `/bff/login?signup=1&returnTo=${encodeURIComponent('/some/page?x=1')}`,
      );
    });
  });

  describe('for a signed-in user', () => {
    it('shows the display name on a menu button instead of "Sign in" and "Sign up"', async () => {
      await start(ada);

      expect(await toolbarButtons()).toEqual(['Ada Lovelace']);
      const menu = await loader().getHarness(MatMenuHarness.with({ triggerText: 'Ada Lovelace' }));
      expect(await menu.isOpen()).toBe(false);
    });

    it('offers in its menu only what the user may do: "My results", authoring, users, Sign out', async () => {
      const menuItems = async (user: BffUser): Promise<string[]> => {
        TestBed.resetTestingModule();
        await start(user);
        const menu = await loader().getHarness(
          MatMenuHarness.with({ triggerText: user.displayName ?? '' }),
        );
        await menu.open();
        const items = await Promise.all((await menu.getItems()).map((item) => item.getText()));
        await menu.close();
        return items;
      };

      expect(await menuItems(ada)).toEqual(['My results', 'Sign out']);
      expect(
        await menuItems({
          ...ada,
          displayName: 'Grace Hopper',
          roles: ['instructor'],
          permissions: ['take:exams', 'manage:exams'],
        }),
      ).toEqual(['My results', 'My exams', 'Sign out']);
      const admin: BffUser = {
        ...ada,
        displayName: 'Margaret Hamilton',
        roles: ['admin'],
        permissions: ['take:exams', 'manage:exams', 'manage:users'],
      };
      expect(await menuItems(admin)).toEqual(['My results', 'My exams', 'Users', 'Sign out']);
      // With an external identity provider, the accounts are the provider's to manage.
      expect(
        await menuItems({
          ...admin,
          roles: ['assay-admin'],
          accountsManagedAt: 'https://sso.example.org/realms/assay',
        }),
      ).toEqual(['My results', 'My exams', 'Sign out']);
    });

    it('takes the user to "My results" from the menu', async () => {
      await start(ada);
      const menu = await loader().getHarness(MatMenuHarness.with({ triggerText: 'Ada Lovelace' }));

      // The page is not stable until its results have come, so the click settles after them.
      const clicked = menu.clickItem({ text: 'My results' });
      // The page's lazy chunk is imported on first use, which takes over waitFor's default 1 s
      // on a busy machine.
      const results = await vi.waitFor(() => httpTesting.expectOne('/api/me/attempts?limit=20'), {
        timeout: 5_000,
      });

      expect(TestBed.inject(Router).url).toBe('/me/results');
      results.flush({ items: [], nextCursor: null });
      await clicked;
      await fixture.whenStable();
    });

    it('signs out from the menu: posts to /bff/logout and follows the server to redirectTo', async () => {
      await start(ada);
      const menu = await loader().getHarness(MatMenuHarness.with({ triggerText: 'Ada Lovelace' }));

      await menu.open();
      const items = await menu.getItems();
      expect(await Promise.all(items.map((item) => item.getText()))).toContain('Sign out');
      await menu.clickItem({ text: 'Sign out' });

      const logout = httpTesting.expectOne('/bff/logout');
      expect(logout.request.method).toBe('POST');
      expect(assign).not.toHaveBeenCalled();
      logout.flush({ redirectTo: '/oidc/session/end?id_token_hint=x' });
      await fixture.whenStable();

      expect(assign).toHaveBeenCalledExactlyOnceWith('/oidc/session/end?id_token_hint=x');
    });

    describe('on a computer others use next', () => {
      const answer = { questionId: 'q-1', choiceIds: ['c-2'], revision: 7 };

      afterEach(() => {
        localStorage.clear();
      });

      async function signOutFromMenu(): Promise<TestRequest> {
        const menu = await loader().getHarness(
          MatMenuHarness.with({ triggerText: 'Ada Lovelace' }),
        );
        await menu.clickItem({ text: 'Sign out' });
        return httpTesting.expectOne('/bff/logout');
      }

      it('forgets every attempt copy this browser kept when signing out', async () => {
        await start(ada);
        const memory = TestBed.inject(AttemptMemory);
        memory.rememberUnsaved('attempt-1', [answer]);
        memory.rememberPlace('attempt-1', '3');
        memory.rememberPlace('attempt-2', 'review');
        localStorage.setItem('not-assay', 'kept');
        expect(memory.unsavedAnswers('attempt-1')).toEqual([answer]);

        (await signOutFromMenu()).flush({ redirectTo: '/oidc/session/end' });
        await fixture.whenStable();

        expect(assign).toHaveBeenCalledExactlyOnceWith('/oidc/session/end');
        expect(Object.keys(localStorage)).toEqual(['not-assay']);
        // A save that finishes while the page goes cannot put a copy back.
        memory.rememberUnsaved('attempt-1', [answer]);
        expect(Object.keys(localStorage)).toEqual(['not-assay']);
        expect(memory.unsavedAnswers('attempt-1')).toEqual([]);
        expect(memory.place('attempt-2')).toBeNull();
      });

      it('keeps them when the server could not sign the user out', async () => {
        await start(ada);
        const memory = TestBed.inject(AttemptMemory);
        memory.rememberUnsaved('attempt-1', [answer]);

        (await signOutFromMenu()).flush(null, { status: 503, statusText: 'Unavailable' });
        await fixture.whenStable();

        expect(assign).not.toHaveBeenCalled();
        expect(memory.unsavedAnswers('attempt-1')).toEqual([answer]);
        const snackBar =
          await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(
            MatSnackBarHarness,
          );
        expect(await snackBar.getMessage()).toContain('Signing out failed');
        // Dismissed before the test module is torn down, or its closing runs against a
        // destroyed injector (NG0205).
        TestBed.inject(MatSnackBar).dismiss();
        await fixture.whenStable();
      });
    });

    it('moves focus into the account menu when it opens, so the keyboard reaches Sign out', async () => {
      await start(ada);
      const trigger = (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>(
        'header button[aria-haspopup="menu"]',
      );
      expect(trigger?.textContent.trim()).toBe('Ada Lovelace');

      trigger?.focus();
      trigger?.click(); // what Enter or Space on the focused button does
      await fixture.whenStable();

      const menu = await loader().getHarness(MatMenuHarness);
      expect(await menu.isOpen()).toBe(true);
      expect(document.activeElement?.getAttribute('role')).toBe('menuitem');
    });
  });

  it('keeps "Sign in" off the sign-in page itself', async () => {
    await start(null, { url: '/interaction/abc' });
    httpTesting.match('/interaction/abc/details');

    expect(await toolbarButtons()).toEqual([]);
  });
});
