import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ProblemDetails } from '@assay/contracts';

import { Browser, openSignInPage, signIn, signUp, startListeningApp } from '../support/browser.ts';
import { forSuite } from '../../support/suite.ts';

describe('web app sign-up → sign-in → BFF session → API → sign-out, over real HTTP', () => {
  const server = forSuite(() =>
    startListeningApp({
      // An unsafe API route, to show the CSRF rule on /api as well as /bff.
      register: (app) => {
        app.post('/api/test-probe', { config: { permission: 'take:exams' } }, () => ({ ok: true }));
        return Promise.resolve();
      },
    }),
  );

  const ada = {
    username: 'ada',
    email: 'Ada@Example.org',
    displayName: 'Ada Lovelace',
    password: 'analytical engine notes',
  };

  it('signs up from the sign-up form and lands signed in, with a session and XSRF cookie', async () => {
    const browser = new Browser(server.baseUrl);
    const { uid } = await openSignInPage(browser, '?signup=1');
    const details = await browser.request(`/interaction/${uid}/details`);
    assert.equal(details.status, 200);
    assert.deepEqual(await details.json(), {
      uid,
      prompt: 'login',
      mode: 'signup',
      clientName: 'Assay',
    });

    const landed = await signUp(browser, ada);
    assert.equal(landed, `${server.baseUrl}/`);
    assert.equal(browser.cookies.get('assay_session')?.httpOnly, true);
    assert.equal(browser.cookies.get('XSRF-TOKEN')?.httpOnly, false);

    const user = await browser.request('/bff/user');
    assert.equal(user.status, 200);
    const body = (await user.json()) as Record<string, unknown>;
    assert.equal(body['displayName'], 'Ada Lovelace');
    assert.deepEqual(body['roles'], ['learner']);
    assert.deepEqual(body['permissions'], ['take:exams']);
  });

  it('signs in with the username or the email (any case) and returns to returnTo', async () => {
    for (const login of ['ada', 'ADA@example.org']) {
      const browser = new Browser(server.baseUrl);
      const landed = await signIn(browser, login, ada.password, '/exams/42?tab=1');
      assert.equal(landed, `${server.baseUrl}/exams/42?tab=1`);
      const me = await browser.request('/api/me');
      assert.equal(me.status, 200);
      const body = (await me.json()) as Record<string, unknown>;
      assert.equal(body['kind'], 'user');
      assert.equal(body['issuer'], `${server.baseUrl}/oidc`);
      assert.deepEqual(body['permissions'], ['take:exams']);
    }
  });

  it('refuses unknown users and wrong passwords with the same answer', async () => {
    const browser = new Browser(server.baseUrl);
    const answers = [];
    for (const [login, password] of [
      ['nobody-here', ada.password],
      ['ada', 'not the right password'],
    ] as const) {
      const { uid } = await openSignInPage(browser);
      const response = await browser.postJson(`/interaction/${uid}/login`, { login, password });
      assert.equal(response.status, 401);
      const problem = (await response.json()) as ProblemDetails;
      answers.push([problem.code, problem.detail, problem.title]);
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.equal(answers[0]?.[0], 'invalid_credentials');
  });

  it('requires the CSRF header for cookie-authenticated unsafe requests', async () => {
    const browser = new Browser(server.baseUrl);
    await signIn(browser, 'ada', ada.password);
    const xsrf = browser.cookie('XSRF-TOKEN') ?? '';
    const without: Record<string, string>[] = [{}, { 'x-xsrf-token': 'wrong' }];
    for (const url of ['/bff/logout', '/api/test-probe']) {
      for (const headers of without) {
        const response = await browser.postJson(url, {}, headers);
        assert.equal(response.status, 403, url);
        assert.equal(((await response.json()) as ProblemDetails).code, 'csrf_token_invalid');
      }
    }
    const probe = await browser.postJson('/api/test-probe', {}, { 'x-xsrf-token': xsrf });
    assert.equal(probe.status, 200);
    // Safe methods need no CSRF token.
    assert.equal((await browser.request('/api/me')).status, 200);
  });

  it('signs out: session gone server-side, cookies cleared, provider session ended', async () => {
    const browser = new Browser(server.baseUrl);
    await signIn(browser, 'ada', ada.password);
    const session = browser.cookie('assay_session') ?? '';
    const xsrf = browser.cookie('XSRF-TOKEN') ?? '';
    const response = await browser.postJson('/bff/logout', {}, { 'x-xsrf-token': xsrf });
    assert.equal(response.status, 200);
    const { redirectTo } = (await response.json()) as { redirectTo: string };
    const endSession = new URL(redirectTo);
    assert.equal(endSession.pathname, '/oidc/session/end');
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${server.baseUrl}/`);
    // No ID token (name, username, email) in the browser's address bar or any log on the way.
    assert.equal(endSession.searchParams.get('id_token_hint'), null);
    assert.equal(endSession.searchParams.get('client_id'), 'assay-web');
    assert.doesNotMatch(redirectTo, /eyJ/);
    assert.equal(browser.cookie('assay_session'), undefined);
    assert.equal(browser.cookie('XSRF-TOKEN'), undefined);

    // The old cookie no longer opens a session.
    const replay = await fetch(`${server.baseUrl}/bff/user`, {
      headers: { cookie: `assay_session=${session}` },
    });
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as ProblemDetails).code, 'session_missing');

    // The provider's confirmation page has no inline script; its form completes the logout.
    const page = await browser.request(redirectTo);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /<script src="\/bff\/assets\/logout\.js"><\/script>/);
    assert.match(String(page.headers.get('content-security-policy')), /script-src 'self'/);
    const xsrfField = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const action = /action="([^"]+)"/.exec(html)?.[1] ?? '';
    const confirm = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrfField, logout: 'yes' }).toString(),
    });
    assert.equal(confirm.status, 303);
    assert.equal(confirm.headers.get('location'), `${server.baseUrl}/`);

    // Signing in again asks for the password again (the provider session is over).
    const { hops } = await openSignInPage(browser);
    assert.match(hops.at(-1) ?? '', /\/interaction\//);
  });

  it('follows the stored session, not a copy in memory: a box that changes is opened again', async () => {
    const browser = new Browser(server.baseUrl);
    await signIn(browser, 'ada', ada.password);
    const other = new Browser(server.baseUrl);
    await signIn(other, 'ada', ada.password);
    for (const signedIn of [browser, other]) {
      assert.equal((await signedIn.request('/bff/user')).status, 200);
    }
    const sessions = await server.app.db
      .selectFrom('bff_sessions')
      .select(['id_hash', 'tokens'])
      .orderBy('created_at')
      .execute();
    const [mine, theirs] = sessions.slice(-2);
    assert.ok(mine !== undefined && theirs !== undefined && mine.tokens !== theirs.tokens);

    // Another session's box, valid but sealed for that session: it must not open for this one.
    await server.app.db
      .updateTable('bff_sessions')
      .set({ tokens: theirs.tokens })
      .where('id_hash', '=', mine.id_hash)
      .execute();
    const swapped = await browser.request('/bff/user');
    assert.equal(swapped.status, 401);
    assert.equal(((await swapped.json()) as ProblemDetails).code, 'session_missing');
    assert.equal((await other.request('/bff/user')).status, 200);
  });

  it('sends nobody to another site after sign-in (open redirect attempts land on /)', async () => {
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '/\\/evil.example',
      'javascript:alert(1)',
      '/%0d%0aLocation:%20https://evil.example',
      'exams',
    ]) {
      const browser = new Browser(server.baseUrl);
      const landed = await signIn(browser, 'ada', ada.password, returnTo);
      const url = new URL(landed);
      assert.equal(url.origin, server.baseUrl, returnTo);
      if (returnTo.startsWith('/%0d'))
        assert.equal(url.pathname, '/%0d%0aLocation:%20https://evil.example');
      else assert.equal(url.pathname, '/', returnTo);
    }
  });

  it('sign-up: field errors for every bad field, 409 for a taken username or email', async () => {
    const browser = new Browser(server.baseUrl);
    const { uid } = await openSignInPage(browser, '?signup=1');
    const bad = await browser.postJson(`/interaction/${uid}/signup`, {
      username: 'No Spaces!',
      email: 'not-an-email',
      displayName: ' ',
      password: 'password',
    });
    assert.equal(bad.status, 400);
    const problem = (await bad.json()) as ProblemDetails;
    assert.equal(problem.code, 'validation_failed');
    assert.deepEqual([...new Set(problem.errors?.map((error) => error.field))].sort(), [
      '/displayName',
      '/email',
      '/password',
      '/username',
    ]);
    for (const [body, code] of [
      [{ ...ada, email: 'someone.else@example.org' }, 'username_taken'],
      [{ ...ada, username: 'ada2', email: 'ADA@example.org' }, 'email_taken'],
    ] as const) {
      const response = await browser.postJson(`/interaction/${uid}/signup`, body);
      assert.equal(response.status, 409);
      assert.equal(((await response.json()) as ProblemDetails).code, code);
    }
  });

  it('interaction endpoints: JSON only, unknown uid 404, abort returns access_denied', async () => {
    const browser = new Browser(server.baseUrl);
    const { uid } = await openSignInPage(browser);
    const form = await browser.request(`/interaction/${uid}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'login=ada&password=x',
    });
    assert.equal(form.status, 415);
    // text/plain is the other body a cross-site form can send; a query cannot smuggle it in.
    for (const path of ['login', 'login?then=/abort', 'signup?/abort']) {
      const plain = await browser.request(`/interaction/${uid}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ login: 'ada', password: 'x' }),
      });
      assert.equal(plain.status, 415, path);
    }
    const unknown = await browser.request('/interaction/not-a-real-uid/details');
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as ProblemDetails).code, 'interaction_not_found');
    const stranger = await fetch(`${server.baseUrl}/interaction/${uid}/details`);
    assert.equal(stranger.status, 404, 'without the interaction cookie there is no interaction');

    const abort = await browser.postJson(`/interaction/${uid}/abort`, {});
    assert.equal(abort.status, 200);
    const { redirectTo } = (await abort.json()) as { redirectTo: string };
    const { hops } = await browser.navigate(redirectTo);
    assert.ok(
      hops.some((hop) => hop.includes('/bff/callback?error=access_denied')),
      hops.join(),
    );
    assert.equal(hops.at(-1), `${server.baseUrl}/`);
    assert.equal(browser.cookie('assay_session'), undefined);
  });

  it('answers 401 session_missing on /bff/user without a session', async () => {
    const response = await fetch(`${server.baseUrl}/bff/user`);
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as ProblemDetails).code, 'session_missing');
  });
});
