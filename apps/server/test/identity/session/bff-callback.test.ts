/*
 * The sign-in callback when something goes wrong, and what sign-in and sign-out leave in the
 * browser's address bar and in the log: a failed sign-in sends the browser to the web app's
 * explanation page (the cause in the log under the request id), never raw JSON; no token or
 * authorization code reaches a logged URL or a Location header.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LogCapture } from '../../support/app.ts';
import {
  Browser,
  signIn,
  signUp,
  startListeningApp,
  type ListeningApp,
} from '../support/browser.ts';

const grace = {
  username: 'grace',
  email: 'grace@example.org',
  displayName: 'Grace Hopper',
  password: 'compilers all the way down',
};

function errorPage(location: string | null, baseUrl: string) {
  assert.ok(location !== null, 'a redirect');
  const url = new URL(location, baseUrl);
  assert.equal(url.origin, baseUrl);
  assert.equal(url.pathname, '/sign-in-error');
  return {
    reason: url.searchParams.get('reason'),
    requestId: url.searchParams.get('requestId'),
    returnTo: url.searchParams.get('returnTo'),
  };
}

describe('sign-in callback failures and credentials in URLs', () => {
  let server: ListeningApp;
  const logs = new LogCapture();

  before(async () => {
    server = await startListeningApp({ logs });
    await signUp(new Browser(server.baseUrl), grace);
  });
  after(() => server.close());

  it('returns to a non-ASCII returnTo, percent-encoded (it answered 500 before)', async () => {
    const browser = new Browser(server.baseUrl);
    const landed = await signIn(browser, 'grace', grace.password, '/。x');
    assert.equal(landed, `${server.baseUrl}/%E3%80%82x`);
    const viaQuery = new Browser(server.baseUrl);
    const { hops, response } = await viaQuery.navigate('/bff/login?returnTo=/%E3%80%82x');
    await response.body?.cancel();
    assert.match(hops.at(-1) ?? '', /\/interaction\//);
    for (const [returnTo, expected] of [
      ['/.//evil.example/', '/'],
      ['/a/..//evil.example', '/'],
      ['/exams?q=é', '/exams?q=%C3%A9'],
    ] as const) {
      const other = new Browser(server.baseUrl);
      const url = new URL(await signIn(other, 'grace', grace.password, returnTo));
      assert.equal(url.origin, server.baseUrl, returnTo);
      assert.equal(`${url.pathname}${url.search}`, expected, returnTo);
    }
  });

  it('sends a callback without a live sign-in to the explanation page, logged', async () => {
    const browser = new Browser(server.baseUrl);
    const response = await browser.request('/bff/callback?code=abc&state=def', {
      headers: { accept: 'text/html' },
    });
    assert.equal(response.status, 302);
    const page = errorPage(response.headers.get('location'), server.baseUrl);
    assert.equal(page.reason, 'sign_in_expired');
    assert.equal(page.requestId, response.headers.get('x-request-id'));
    assert.equal(page.returnTo, '/');
    const logged = logs.lines.filter((line) => line['requestId'] === page.requestId);
    assert.ok(
      logged.some(
        (line) => line['level'] === 40 && /without a live sign-in/.test(String(line['msg'])),
      ),
      JSON.stringify(logged),
    );
  });

  it("names the provider's error in the log and sends the user to try again", async () => {
    const browser = new Browser(server.baseUrl);
    const start = await browser.request('/bff/login?returnTo=/exams');
    const authorize = new URL(start.headers.get('location') ?? '');
    const state = authorize.searchParams.get('state') ?? '';
    const callback = new URL('/bff/callback', server.baseUrl);
    callback.search = new URLSearchParams({
      error: 'temporarily_unavailable',
      error_description: 'the provider is in maintenance',
      state,
      iss: `${server.baseUrl}/oidc`,
    }).toString();
    const response = await browser.request(callback.href);
    assert.equal(response.status, 302);
    const page = errorPage(response.headers.get('location'), server.baseUrl);
    assert.deepEqual(page, {
      reason: 'provider_error',
      requestId: response.headers.get('x-request-id'),
      returnTo: '/exams',
    });
    const logged = logs.lines.find(
      (line) => line['requestId'] === page.requestId && line['level'] === 40,
    );
    assert.equal(logged?.['error'], 'temporarily_unavailable');
    assert.equal(logged['errorDescription'], 'the provider is in maintenance');
  });

  it('keeps tokens and codes out of logged URLs and out of the logout redirect', async () => {
    const browser = new Browser(server.baseUrl);
    const before = logs.lines.length;
    await signIn(browser, 'grace', grace.password, '/exams');
    const response = await browser.postJson(
      '/bff/logout',
      {},
      { 'x-xsrf-token': browser.cookie('XSRF-TOKEN') ?? '' },
    );
    const { redirectTo } = (await response.json()) as { redirectTo: string };
    const { response: page } = await browser.navigate(redirectTo);
    await page.body?.cancel();
    assert.doesNotMatch(redirectTo, /id_token_hint|eyJ/);

    const lines = logs.lines.slice(before);
    const urls = lines
      .map((line) => (line['req'] as { url?: string } | undefined)?.url)
      .filter((url) => url !== undefined);
    const callback = urls.find((url) => url.startsWith('/bff/callback?'));
    assert.ok(callback, urls.join('\n'));
    assert.match(callback, /[?&]code=\[redacted\]/);
    assert.ok(
      urls.some((url) => url.startsWith('/oidc/session/end?')),
      urls.join('\n'),
    );
    const everything = JSON.stringify(lines);
    assert.doesNotMatch(everything, /id_token_hint=(?!\[redacted\])/);
    assert.doesNotMatch(everything, /[?&]code=(?!\[redacted\])/);
    assert.doesNotMatch(everything, /eyJ[\w-]+\.eyJ/, 'no JWT anywhere in the log');
  });
});

describe('sign-in callback when the API refuses the issued token', () => {
  let server: ListeningApp;
  const logs = new LogCapture();

  before(async () => {
    // The embedded provider types its access tokens at+jwt; an API accepting only JWT refuses them.
    server = await startListeningApp({ logs, env: { OIDC_ACCESS_TOKEN_TYPES: 'JWT' } });
    await signUp(new Browser(server.baseUrl), grace);
  });
  after(() => server.close());

  it('explains it on a page, with the real cause (not a guess) in the log', async () => {
    const browser = new Browser(server.baseUrl);
    const { hops, response } = await browser.navigate('/bff/login?returnTo=/exams');
    await response.body?.cancel();
    const uid = /\/interaction\/([^/?]+)$/.exec(hops.at(-1) ?? '')?.[1] ?? '';
    const login = await browser.postJson(`/interaction/${uid}/login`, {
      login: 'grace',
      password: grace.password,
    });
    const { redirectTo } = (await login.json()) as { redirectTo: string };
    const { hops: back } = await browser.navigate(redirectTo);
    const last = new URL(back.at(-1) ?? '');
    assert.equal(last.pathname, '/sign-in-error', back.join(' → '));
    assert.equal(last.searchParams.get('reason'), 'token_refused');
    assert.equal(last.searchParams.get('returnTo'), '/exams');
    assert.equal(browser.cookie('assay_session'), undefined);
    const requestId = last.searchParams.get('requestId');
    const logged = logs.lines.find(
      (line) => line['requestId'] === requestId && line['level'] === 40,
    );
    // The verifier's own finding (its code and words), whichever check refused the token.
    assert.match(
      String(logged?.['code']),
      /^invalid_(header|claims|token)$/,
      JSON.stringify(logged),
    );
    assert.ok(String(logged?.['msg']).includes(String(logged?.['reason'])));
    assert.doesNotMatch(JSON.stringify(logs.lines), /API_AUDIENCE/);
  });
});
