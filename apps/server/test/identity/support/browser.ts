/*
 * A minimal browser for the identity tests: real HTTP to a listening server, a cookie jar,
 * redirects followed by hand (so each hop can be asserted), and the sign-in flows a person
 * performs through the web app.
 */
import assert from 'node:assert/strict';

import { freePort } from '../../../../../scripts/free-port.ts';
import {
  createTestApp,
  storedSecret,
  type TestApp,
  type TestAppOptions,
} from '../../support/app.ts';
import { TEST_PASSWORD } from '../../support/auth.ts';

/** A test app listening on 127.0.0.1 with a PUBLIC_URL that matches. */
export interface ListeningApp extends TestApp {
  readonly baseUrl: string;
}

export async function startListeningApp(
  options: TestAppOptions & { port?: number } = {},
): Promise<ListeningApp> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const testApp = await createTestApp({
    ...options,
    env: { PUBLIC_URL: baseUrl, ...options.env },
  });
  await testApp.app.listen({ port, host: '127.0.0.1' });
  return { ...testApp, baseUrl };
}

interface StoredCookie {
  readonly value: string;
  readonly httpOnly: boolean;
}

/** Cookies by origin and name (paths are not modelled). */
export class Browser {
  /** The cookies of the app under test (`baseUrl`'s origin). */
  readonly cookies = new Map<string, StoredCookie>();
  readonly #otherOrigins = new Map<string, Map<string, StoredCookie>>();
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  #jar(origin: string): Map<string, StoredCookie> {
    if (origin === new URL(this.baseUrl).origin) return this.cookies;
    let jar = this.#otherOrigins.get(origin);
    if (jar === undefined) {
      jar = new Map();
      this.#otherOrigins.set(origin, jar);
    }
    return jar;
  }

  #store(response: Response, origin: string): void {
    const jar = this.#jar(origin);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      const lower = attributes.map((attribute) => attribute.toLowerCase());
      const expired =
        value === '' ||
        lower.includes('max-age=0') ||
        lower.some((a) => a.startsWith('expires=') && Date.parse(a.slice(8)) < Date.now());
      if (expired) jar.delete(name);
      else jar.set(name, { value, httpOnly: lower.includes('httponly') });
    }
  }

  /** One request, no redirect following. */
  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Response> {
    const target = new URL(url, this.baseUrl);
    const headers: Record<string, string> = { ...init.headers };
    const jar = this.#jar(target.origin);
    if (jar.size > 0) {
      headers['cookie'] = [...jar].map(([name, { value }]) => `${name}=${value}`).join('; ');
    }
    const response = await fetch(target, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    this.#store(response, target.origin);
    return response;
  }

  /** Follows redirects from `url`; returns every hop's URL and the final response. */
  async navigate(url: string, maxHops = 10): Promise<{ hops: string[]; response: Response }> {
    const hops: string[] = [];
    let current = new URL(url, this.baseUrl).href;
    for (let hop = 0; hop < maxHops; hop++) {
      hops.push(current);
      const response = await this.request(current, { headers: { accept: 'text/html' } });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) {
        return { hops, response };
      }
      await response.body?.cancel();
      current = new URL(location, current).href;
    }
    throw new Error(`Too many redirects from ${url}: ${hops.join(' → ')}`);
  }

  /** JSON POST as the web app sends it (with the XSRF header when there is a token). */
  async postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }
}

/** Starts signing in from the web app and stops at the sign-in page; returns its uid. */
export async function openSignInPage(
  browser: Browser,
  query = '',
): Promise<{ uid: string; hops: string[] }> {
  const { hops, response } = await browser.navigate(`/bff/login${query}`);
  await response.body?.cancel();
  const last = new URL(hops.at(-1) ?? '');
  const match = /^\/interaction\/([^/]+)$/.exec(last.pathname);
  assert.ok(match?.[1], `expected to land on /interaction/<uid>, got ${hops.join(' → ')}`);
  return { uid: match[1], hops };
}

/** Finishes an interaction: follows `redirectTo` back through the provider to the app. */
export async function followRedirect(browser: Browser, redirectTo: string) {
  return browser.navigate(redirectTo);
}

/** Signs in through the real flow; returns the final landing URL. */
export async function signIn(
  browser: Browser,
  login: string,
  password: string,
  returnTo = '/',
): Promise<string> {
  const { uid } = await openSignInPage(browser, `?returnTo=${encodeURIComponent(returnTo)}`);
  const response = await browser.postJson(`/interaction/${uid}/login`, { login, password });
  assert.equal(response.status, 200, await response.clone().text());
  const { redirectTo } = (await response.json()) as { redirectTo: string };
  const { hops, response: final } = await followRedirect(browser, redirectTo);
  await final.body?.cancel();
  return hops.at(-1) ?? '';
}

/** Signs up through the real flow (the sign-up form of the sign-in page). */
export async function signUp(
  browser: Browser,
  account: { username: string; email: string; displayName: string; password: string },
): Promise<string> {
  const { uid } = await openSignInPage(browser, '?signup=1');
  const response = await browser.postJson(`/interaction/${uid}/signup`, account);
  assert.equal(response.status, 200, await response.clone().text());
  const { redirectTo } = (await response.json()) as { redirectTo: string };
  const { hops, response: final } = await followRedirect(browser, redirectTo);
  await final.body?.cancel();
  return hops.at(-1) ?? '';
}

/** Tokens from the embedded provider's token endpoint. */
export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly expires_in: number;
  readonly scope?: string;
}

/**
 * Runs the authorization code + PKCE flow by hand as the web app's client (its secret read
 * from the database), so a test holds the refresh token the BFF normally keeps to itself. The
 * password is the one test accounts get unless one is given.
 */
export async function authorizationCodeTokens(
  server: ListeningApp,
  login: string,
  password = TEST_PASSWORD,
): Promise<{ tokens: TokenResponse; clientAuth: string }> {
  const { createHash, randomBytes } = await import('node:crypto');
  const secret = await storedSecret(server.app, 'bff_client_secret');
  const clientAuth = `Basic ${Buffer.from(`assay-web:${secret}`).toString('base64')}`;
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${server.baseUrl}/bff/callback`;
  const browser = new Browser(server.baseUrl);
  const authorize = new URL('/oidc/auth', server.baseUrl);
  authorize.search = new URLSearchParams({
    client_id: 'assay-web',
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    resource: `${server.baseUrl}/api`,
    state: 'state-1',
    nonce: 'nonce-1',
  }).toString();
  const { hops } = await browser.navigate(authorize.href);
  const uid = /\/interaction\/([^/?]+)$/.exec(hops.at(-1) ?? '')?.[1];
  assert.ok(uid, hops.join(' → '));
  const loginResponse = await browser.postJson(`/interaction/${uid}/login`, { login, password });
  assert.equal(loginResponse.status, 200, await loginResponse.clone().text());
  let next = ((await loginResponse.json()) as { redirectTo: string }).redirectTo;
  let code: string | null = null;
  for (let hop = 0; hop < 5 && code === null; hop++) {
    const response = await browser.request(next);
    await response.body?.cancel();
    const location = new URL(response.headers.get('location') ?? '', next);
    if (location.href.startsWith(redirectUri)) code = location.searchParams.get('code');
    else next = location.href;
  }
  assert.ok(code, 'the provider redirected back with a code');
  const token = await fetch(`${server.baseUrl}/oidc/token`, {
    method: 'POST',
    headers: { authorization: clientAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  assert.equal(token.status, 200, await token.clone().text());
  return { tokens: (await token.json()) as TokenResponse, clientAuth };
}

/** POSTs a refresh_token grant. */
export async function refresh(server: ListeningApp, clientAuth: string, refreshToken: string) {
  return fetch(`${server.baseUrl}/oidc/token`, {
    method: 'POST',
    headers: { authorization: clientAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}
