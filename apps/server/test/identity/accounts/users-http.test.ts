/*
 * The admin's users API (`GET /api/users`, `PATCH /api/users/{userId}`) against a real, migrated
 * database, with real tokens: who may call it, search and paging, validation, and what a role
 * change or a disabled account does to the user's tokens and web sessions.
 */
import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { before, describe, it } from 'node:test';

import type { ProblemDetails, UserPage, UserSummary } from '@assay/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { decodeJwt } from 'jose';

import type { App } from '../../../src/app.ts';
import { encodeCursor } from '../../../src/platform/page-cursor.ts';
import { SealedBox } from '../../../src/identity/session/sealed-box.ts';
import { createTestApp, storedSecret } from '../../support/app.ts';
import {
  accessTokenFor,
  bearer,
  createAccount,
  machineTokenFor,
  TEST_PASSWORD,
  type TestAccount,
} from '../../support/auth.ts';
import {
  authorizationCodeTokens,
  Browser,
  openSignInPage,
  refresh,
  signIn,
  startListeningApp,
} from '../support/browser.ts';
import { forSuite } from '../../support/suite.ts';

const unknownId = '00000000-0000-4000-8000-000000000000';
const SUMMARY_KEYS = ['createdAt', 'disabled', 'displayName', 'email', 'id', 'role', 'username'];

type Headers = Record<string, string>;

function call(
  app: App,
  method: 'GET' | 'PATCH',
  url: string,
  headers: Headers = {},
  body?: unknown,
): Promise<LightMyRequestResponse> {
  const options: InjectOptions = { method, url, headers };
  if (body !== undefined) {
    options.headers = { ...headers, 'content-type': 'application/json' };
    options.payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return app.inject(options);
}

function problemOf(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const problem = response.json<ProblemDetails & Record<string, unknown>>();
  assert.equal(problem.code, code, response.body);
  return problem;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- like response.json<T>()
function jsonOf<T>(response: LightMyRequestResponse, status = 200): T {
  assert.equal(response.statusCode, status, response.body);
  return response.json<T>();
}

/** Every page of `GET /api/users?…`, following `nextCursor`. */
async function allPages(app: App, headers: Headers, query: string): Promise<UserSummary[][]> {
  const pages: UserSummary[][] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page: UserPage = jsonOf<UserPage>(
      await call(app, 'GET', `/api/users?${query}${suffix}`, headers),
    );
    pages.push(page.items);
    cursor = page.nextCursor;
    assert.ok(pages.length < 100, 'paging ends');
  } while (cursor !== null);
  return pages;
}

/**
 * Makes a web session's access token look as if it expires in 30 s (inside the BFF's refresh
 * margin), as if its lifetime had passed: the server-side tokens are resealed in place.
 */
async function ageSessionToken(app: App, browser: Browser): Promise<void> {
  const idHash = hash('sha256', browser.cookie('assay_session') ?? '', 'base64url');
  const row = await app.db
    .selectFrom('bff_sessions')
    .select('tokens')
    .where('id_hash', '=', idHash)
    .executeTakeFirstOrThrow();
  const box = new SealedBox(await storedSecret(app, 'bff_token_key'), 'assay bff tokens');
  const tokens = JSON.parse((await box.open(row.tokens, idHash)) ?? 'null') as {
    expiresAt: number;
  };
  tokens.expiresAt = Date.now() + 30_000;
  await app.db
    .updateTable('bff_sessions')
    .set({ tokens: await box.seal(JSON.stringify(tokens), idHash) })
    .where('id_hash', '=', idHash)
    .execute();
}

async function enabledAdmins(app: App): Promise<number> {
  const row = await app.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return row.count;
}

describe('admin users API over HTTP', () => {
  const server = forSuite(startListeningApp);
  let app: App;
  let admin: TestAccount;
  let asAdmin: Headers;
  let asLearner: Headers;
  let asInstructor: Headers;

  before(async () => {
    app = server.app;
    admin = await createAccount(app, { role: 'admin', username: 'ann-admin' });
    asAdmin = bearer(await accessTokenFor(app, admin));
    asLearner = bearer(await accessTokenFor(app, await createAccount(app)));
    asInstructor = bearer(
      await accessTokenFor(app, await createAccount(app, { role: 'instructor' })),
    );
  });

  describe('who may call it', () => {
    it('answers anonymous callers 401 authorization_header_missing, before reading the body', async () => {
      const target = await createAccount(app);
      for (const response of [
        await call(app, 'GET', '/api/users'),
        await call(app, 'PATCH', `/api/users/${target.id}`, {}, { role: 'admin' }),
        await call(app, 'PATCH', `/api/users/${target.id}`, {}, { bogus: true }),
      ]) {
        problemOf(response, 401, 'authorization_header_missing');
        assert.equal(response.headers['www-authenticate'], 'Bearer realm="assay"');
      }
      assert.equal((await app.identity.accounts.findActive(target.id))?.role, 'learner');
    });

    it('answers learners and instructors 403 insufficient_permission naming manage:users', async () => {
      const target = await createAccount(app);
      for (const headers of [asLearner, asInstructor]) {
        for (const response of [
          await call(app, 'GET', '/api/users', headers),
          await call(app, 'PATCH', `/api/users/${target.id}`, headers, { role: 'admin' }),
        ]) {
          const problem = problemOf(response, 403, 'insufficient_permission');
          assert.equal(problem['permission'], 'manage:users');
          assert.match(problem.detail, /manage:users/);
        }
      }
      assert.equal((await app.identity.accounts.findActive(target.id))?.role, 'learner');
    });

    it('lets an admin list users: summaries only, never a password hash, not cached', async () => {
      const response = await call(app, 'GET', '/api/users?limit=100', asAdmin);
      const page = jsonOf<UserPage>(response);
      assert.equal(response.headers['cache-control'], 'no-store');
      const ann = page.items.find((item) => item.id === admin.id);
      assert.deepEqual(ann, {
        id: admin.id,
        username: 'ann-admin',
        email: 'ann-admin@example.test',
        displayName: admin.displayName,
        role: 'admin',
        disabled: false,
        createdAt: ann?.createdAt,
      });
      for (const item of page.items) assert.deepEqual(Object.keys(item).sort(), SUMMARY_KEYS);
      assert.doesNotMatch(response.body, /argon2|password/i);
    });

    it('lets a machine client with the manage:users scope list and change users', async () => {
      const tokenFor = async (scope: string) => {
        const client = await app.identity.clients.create(`bot ${scope}`, scope);
        const basic = Buffer.from(`${client.client_id}:${client.client_secret}`);
        const response = await fetch(`${server.baseUrl}/oidc/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${basic.toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        });
        assert.equal(response.status, 200);
        return bearer(((await response.json()) as { access_token: string }).access_token);
      };
      const userAdmin = await tokenFor('manage:users');
      const target = await createAccount(app);
      jsonOf<UserPage>(await call(app, 'GET', '/api/users', userAdmin));
      const changed = jsonOf<UserSummary>(
        await call(app, 'PATCH', `/api/users/${target.id}`, userAdmin, { role: 'instructor' }),
      );
      assert.equal(changed.role, 'instructor');

      const examManager = await tokenFor('manage:exams take:exams');
      const refused = problemOf(
        await call(app, 'GET', '/api/users', examManager),
        403,
        'insufficient_permission',
      );
      assert.equal(refused['permission'], 'manage:users');
    });

    it('serves an admin signed in to the web app; a change needs the X-XSRF-TOKEN header', async () => {
      const browser = new Browser(server.baseUrl);
      await signIn(browser, admin.username, TEST_PASSWORD);
      const list = await browser.request('/api/users');
      assert.equal(list.status, 200);
      const target = await createAccount(app);
      const patch = (headers: Headers) =>
        browser.request(`/api/users/${target.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ role: 'instructor' }),
        });
      const withoutCsrf = await patch({});
      assert.equal(withoutCsrf.status, 403);
      assert.equal(((await withoutCsrf.json()) as ProblemDetails).code, 'csrf_token_invalid');
      assert.equal((await app.identity.accounts.findActive(target.id))?.role, 'learner');
      const withCsrf = await patch({ 'x-xsrf-token': browser.cookie('XSRF-TOKEN') ?? '' });
      assert.equal(withCsrf.status, 200);
      assert.equal(((await withCsrf.json()) as UserSummary).role, 'instructor');
    });
  });

  describe('search and paging', () => {
    before(async () => {
      await createAccount(app, { username: 'zq-ada', displayName: 'Ada Lovelace' });
      await createAccount(app, { username: 'zq-grace', displayName: 'Grace Hopper' });
      await createAccount(app, { username: 'zq-emile', displayName: 'Émile Zola' });
      await createAccount(app, { username: 'zq_under', displayName: 'Hundred % Sure' });
      await app.identity.accounts.create({
        username: 'zq-mail',
        email: 'Quill.Pen@Example.ORG',
        displayName: 'Nobody Special',
        password: 'a long and unusual passphrase',
      });
    });

    const usernamesFor = async (q: string) => {
      const page = jsonOf<UserPage>(
        await call(app, 'GET', `/api/users?limit=100&q=${encodeURIComponent(q)}`, asAdmin),
      );
      return page.items.map((item) => item.username);
    };

    it('finds users by username, email or display name, ignoring case', async () => {
      assert.deepEqual(await usernamesFor('ZQ-ADA'), ['zq-ada']);
      assert.deepEqual(await usernamesFor('quill.PEN@example'), ['zq-mail']);
      assert.deepEqual(await usernamesFor('hoPPER'), ['zq-grace']);
      assert.deepEqual(await usernamesFor('  lovelace  '), ['zq-ada']);
      assert.deepEqual(await usernamesFor('nobody-has-this'), []);
    });

    it('folds non-ASCII letters too, alike on SQLite and PostgreSQL', async () => {
      assert.deepEqual(await usernamesFor('émile'), ['zq-emile']);
      assert.deepEqual(await usernamesFor('ÉMILE ZOLA'), ['zq-emile']);
      // NFKC: the decomposed spelling (E + combining acute) finds the composed one.
      assert.deepEqual(await usernamesFor('E\u0301mile'), ['zq-emile']);
    });

    it('takes % and _ literally, not as wildcards', async () => {
      assert.deepEqual(await usernamesFor('%'), ['zq_under']);
      assert.deepEqual(await usernamesFor('_'), ['zq_under']);
      assert.deepEqual(await usernamesFor('zq_'), ['zq_under']);
    });

    it('pages by username with nextCursor, each user exactly once', async () => {
      const everyone = await app.db
        .selectFrom('accounts')
        .select('username')
        .orderBy('username')
        .execute();
      const pages = await allPages(app, asAdmin, 'limit=3');
      assert.ok(pages.length >= 3, String(pages.length));
      assert.ok(pages.slice(0, -1).every((page) => page.length === 3));
      assert.deepEqual(
        pages.flat().map((item) => item.username),
        everyone.map((row) => row.username),
      );

      const searched = await allPages(app, asAdmin, 'q=zq&limit=2');
      assert.deepEqual(
        searched.map((page) => page.map((item) => item.username)),
        [['zq-ada', 'zq-emile'], ['zq-grace', 'zq-mail'], ['zq_under']],
      );
    });

    it('refuses a garbled cursor or one from another listing with 400 invalid_cursor', async () => {
      const first = jsonOf<UserPage>(await call(app, 'GET', '/api/users?limit=1', asAdmin));
      assert.ok(first.nextCursor);
      const foreign = encodeCursor('catalog', { sortKey: 'zq-ada', id: admin.id });
      const garbled = Buffer.from('{"not":"a cursor"}').toString('base64url');
      for (const cursor of [foreign, garbled, 'abc', first.nextCursor.slice(0, -4)]) {
        problemOf(
          await call(app, 'GET', `/api/users?cursor=${cursor}`, asAdmin),
          400,
          'invalid_cursor',
        );
      }
    });

    it('refuses a bad query with 400 validation_failed naming the field', async () => {
      for (const [query, field] of [
        ['limit=0', '/limit'],
        ['limit=101', '/limit'],
        ['limit=many', '/limit'],
        ['cursor=not*base64url', '/cursor'],
        [`q=${'x'.repeat(101)}`, '/q'],
      ] as const) {
        const problem = problemOf(
          await call(app, 'GET', `/api/users?${query}`, asAdmin),
          400,
          'validation_failed',
        );
        assert.deepEqual(
          problem.errors?.map((error) => error.field),
          [field],
          query,
        );
      }
    });
  });

  describe('changing a user', () => {
    it('refuses an empty body, an unknown field, a bad value or a malformed id with 400', async () => {
      const target = await createAccount(app);
      const url = `/api/users/${target.id}`;
      const cases: [unknown, string[]][] = [
        [{}, ['/']],
        [{ rol: 'admin' }, ['/rol']],
        [{ role: 'admin', bogus: 1 }, ['/bogus']],
        [{ role: 'root' }, ['/role']],
        [{ role: null }, ['/role']],
        [{ disabled: 'yes' }, ['/disabled']],
        [[], ['/']],
      ];
      for (const [body, fields] of cases) {
        const problem = problemOf(
          await call(app, 'PATCH', url, asAdmin, body),
          400,
          'validation_failed',
        );
        assert.deepEqual(
          problem.errors?.map((error) => error.field),
          fields,
          JSON.stringify(body),
        );
      }
      problemOf(await call(app, 'PATCH', url, asAdmin, ''), 400, 'malformed_json');
      problemOf(await call(app, 'PATCH', url, asAdmin, '{"role":'), 400, 'malformed_json');
      const malformed = problemOf(
        await call(app, 'PATCH', '/api/users/not-a-uuid', asAdmin, { role: 'admin' }),
        400,
        'validation_failed',
      );
      assert.deepEqual(
        malformed.errors?.map((error) => error.field),
        ['/userId'],
      );
      const unchanged = await app.identity.accounts.findActive(target.id);
      assert.equal(unchanged?.role, 'learner', 'no refused request changed anything');
    });

    it('answers 404 user_not_found for an id no account has', async () => {
      problemOf(
        await call(app, 'PATCH', `/api/users/${unknownId}`, asAdmin, { role: 'instructor' }),
        404,
        'user_not_found',
      );
    });

    it('answers the changed summary, and the list shows it', async () => {
      const target = await createAccount(app, { username: 'zr-change' });
      const changed = jsonOf<UserSummary>(
        await call(app, 'PATCH', `/api/users/${target.id}`, asAdmin, {
          role: 'instructor',
          disabled: true,
        }),
      );
      assert.deepEqual(
        { role: changed.role, disabled: changed.disabled, id: changed.id },
        { role: 'instructor', disabled: true, id: target.id },
      );
      const listed = jsonOf<UserPage>(await call(app, 'GET', '/api/users?q=zr-change', asAdmin));
      assert.deepEqual(listed.items, [changed]);
    });

    it("applies a new role from the user's next access token, not before", async () => {
      const account = await createAccount(app);
      const { tokens, clientAuth } = await authorizationCodeTokens(server, account.username);
      const browser = new Browser(server.baseUrl);
      await signIn(browser, account.username, TEST_PASSWORD);

      jsonOf<UserSummary>(
        await call(app, 'PATCH', `/api/users/${account.id}`, asAdmin, { role: 'instructor' }),
      );

      // Tokens issued before the change still say learner, for bearer and web callers alike.
      const before = jsonOf<{ roles: string[]; permissions: string[] }>(
        await call(app, 'GET', '/api/me', bearer(tokens.access_token)),
      );
      assert.deepEqual(before.permissions, ['take:exams']);
      const webUser = (await (await browser.request('/bff/user')).json()) as {
        permissions: string[];
      };
      assert.deepEqual(webUser.permissions, ['take:exams']);

      const refreshed = await refresh(server, clientAuth, tokens.refresh_token ?? '');
      assert.equal(refreshed.status, 200);
      const next = ((await refreshed.json()) as { access_token: string }).access_token;
      const after = jsonOf<{ roles: string[]; permissions: string[] }>(
        await call(app, 'GET', '/api/me', bearer(next)),
      );
      assert.deepEqual(after.roles, ['instructor']);
      assert.deepEqual(after.permissions, ['take:exams', 'manage:exams']);
      assert.equal(decodeJwt(next)['scope'], 'take:exams manage:exams');

      // The web session refreshes its token server-side shortly before it expires, and the
      // new one carries the new role.
      await ageSessionToken(app, browser);
      const refreshedUser = (await (await browser.request('/bff/user')).json()) as {
        roles: string[];
        permissions: string[];
      };
      assert.deepEqual(refreshedUser.roles, ['instructor']);
      assert.deepEqual(refreshedUser.permissions, ['take:exams', 'manage:exams']);
      const me = await browser.request('/api/me');
      assert.deepEqual(((await me.json()) as { roles: string[] }).roles, ['instructor']);
    });

    it("disabling ends the user's web sessions and refuses refresh and sign-in; enabling undoes it", async () => {
      const account = await createAccount(app, { role: 'instructor' });
      const { tokens, clientAuth } = await authorizationCodeTokens(server, account.username);
      const browsers = [new Browser(server.baseUrl), new Browser(server.baseUrl)];
      for (const browser of browsers) {
        await signIn(browser, account.username, TEST_PASSWORD);
        assert.equal((await browser.request('/bff/user')).status, 200);
      }

      const disabled = jsonOf<UserSummary>(
        await call(app, 'PATCH', `/api/users/${account.id}`, asAdmin, { disabled: true }),
      );
      assert.equal(disabled.disabled, true);

      for (const browser of browsers) {
        const user = await browser.request('/bff/user');
        assert.equal(user.status, 401);
        assert.equal(((await user.json()) as ProblemDetails).code, 'session_missing');
      }
      const sessions = await app.db
        .selectFrom('bff_sessions')
        .select('id_hash')
        .where('subject', '=', account.id)
        .execute();
      assert.deepEqual(sessions, []);
      const refused = await refresh(server, clientAuth, tokens.refresh_token ?? '');
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: string }).error, 'invalid_grant');
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser);
      const login = { login: account.username, password: TEST_PASSWORD };
      const signInRefused = await browser.postJson(`/interaction/${uid}/login`, login);
      assert.equal(signInRefused.status, 403);
      assert.equal(((await signInRefused.json()) as ProblemDetails).code, 'account_disabled');

      jsonOf<UserSummary>(
        await call(app, 'PATCH', `/api/users/${account.id}`, asAdmin, { disabled: false }),
      );
      assert.equal((await browser.postJson(`/interaction/${uid}/login`, login)).status, 200);
    });
  });

  it('appears in the OpenAPI document with its permission and answers', async () => {
    const document = jsonOf<{
      paths: Record<string, Record<string, Record<string, unknown>>>;
    }>(await call(app, 'GET', '/api/openapi.json'));
    const list = document.paths['/api/users']?.['get'];
    const update = document.paths['/api/users/{userId}']?.['patch'];
    for (const [operation, statuses] of [
      [list, ['200', '400', '401', '403', '404']],
      [update, ['200', '400', '401', '403', '404', '409']],
    ] as const) {
      assert.ok(operation);
      assert.equal(operation['x-permission'], 'manage:users');
      assert.deepEqual(operation['security'], [{ bearer: [] }, { session: [] }]);
      assert.match(String(operation['description']), /Requires the `manage:users` permission/);
      assert.deepEqual(Object.keys(operation['responses'] as object).sort(), statuses);
    }
  });
});

describe('admin users API: Assay always keeps an enabled admin', () => {
  const testApp = forSuite(createTestApp);
  let app: App;
  let asMachine: Headers;

  before(async () => {
    app = testApp.app;
    asMachine = bearer(await machineTokenFor(app, ['manage:users']));
  });

  const patch = (account: { id: string }, body: unknown, headers = asMachine) =>
    call(app, 'PATCH', `/api/users/${account.id}`, headers, body);

  it('refuses to demote or disable the only enabled admin (409 last_admin)', async () => {
    const solo = await createAccount(app, { role: 'admin' });
    // A disabled admin does not count.
    await createAccount(app, { role: 'admin', disabled: true });
    const asSolo = bearer(await accessTokenFor(app, solo));
    for (const [body, headers] of [
      [{ role: 'instructor' }, asSolo],
      [{ role: 'learner' }, asMachine],
      [{ disabled: true }, asSolo],
      [{ disabled: true }, asMachine],
      [{ role: 'admin', disabled: true }, asMachine],
    ] as const) {
      const problem = problemOf(await patch(solo, body, headers), 409, 'last_admin');
      assert.match(problem.detail, /admin/);
    }
    assert.equal(await enabledAdmins(app), 1);
    const still = await app.identity.accounts.findActive(solo.id);
    assert.equal(still?.role, 'admin');

    // A change that keeps the admin enabled is fine; so is demoting once another admin exists.
    jsonOf<UserSummary>(await patch(solo, { role: 'admin', disabled: false }, asSolo));
    const second = await createAccount(app);
    jsonOf<UserSummary>(await patch(second, { role: 'admin' }, asSolo));
    assert.equal(
      jsonOf<UserSummary>(await patch(solo, { role: 'learner' }, asSolo)).role,
      'learner',
    );
    problemOf(await patch(second, { disabled: true }), 409, 'last_admin');
    assert.equal(await enabledAdmins(app), 1);
  });

  it('never leaves zero enabled admins when two admins are demoted at the same time', async () => {
    const survivors = await app.db
      .selectFrom('accounts')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .execute();
    assert.equal(survivors.length, 1);
    let survivor: { id: string } = survivors[0] ?? { id: '' };
    const changes = [{ role: 'learner' }, { disabled: true }, { role: 'instructor' }] as const;
    for (let round = 0; round < 8; round++) {
      const other = await createAccount(app, { role: 'admin' });
      const pair = [survivor, other];
      const responses = await Promise.all(
        pair.map((account, index) => patch(account, changes[(round + index) % changes.length])),
      );
      const statuses = responses.map((response) => response.statusCode).sort();
      assert.deepEqual(
        statuses,
        [200, 409],
        `round ${round}: ${responses.map((r) => r.body).join()}`,
      );
      assert.equal(await enabledAdmins(app), 1, `round ${round}`);
      survivor = pair[responses.findIndex((response) => response.statusCode === 409)] ?? survivor;
    }
  });
});
